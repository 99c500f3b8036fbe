// Reads Parquet files with Apache Spark SQL (local mode, one JVM, no cluster or server) and prints one JSON
// line per file: rows, Spark's column types, class balance and a few aggregates, for the consumer test to
// compare with the manifest and DuckDB. Usage: java -cp <jars>:<classes> ReadDataset FILE.parquet...
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

public final class ReadDataset {
  private ReadDataset() {}

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  private static String value(Object v) {
    return v == null ? "null" : quote(v.toString());
  }

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: ReadDataset FILE.parquet...");
      System.exit(2);
    }
    SparkSession spark =
        SparkSession.builder()
            .appName("cartstream-reader")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            // loopback only: the driver needs no address other machines can reach
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    try {
      for (String path : args) {
        Dataset<Row> df = spark.read().parquet(path);
        df.createOrReplaceTempView("t");
        List<String> columns = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
          columns.add("{\"name\":" + quote(f.name()) + ",\"type\":" + quote(f.dataType().sql()) + "}");
        }
        Row r =
            spark
                .sql(
                    "SELECT count(*) AS n, count(DISTINCT session_id) AS ids, count(DISTINCT user_id) AS users,"
                        + " count_if(is_converted) AS converted, count_if(abandoned) AS abandoned,"
                        + " CAST(sum(purchase_value) AS STRING) AS purchase_value,"
                        + " unix_micros(CAST(min(start_time) AS TIMESTAMP)) AS first_start_us,"
                        + " unix_micros(CAST(max(start_time) AS TIMESTAMP)) AS last_start_us FROM t")
                .first();
        System.out.println(
            "{\"path\":" + quote(path)
                + ",\"rows\":" + r.getLong(0)
                + ",\"distinctSessionIds\":" + r.getLong(1)
                + ",\"users\":" + r.getLong(2)
                + ",\"isConverted\":" + r.getLong(3)
                + ",\"abandoned\":" + r.getLong(4)
                + ",\"purchaseValue\":" + value(r.get(5))
                + ",\"firstStartUs\":" + r.get(6)
                + ",\"lastStartUs\":" + r.get(7)
                + ",\"columns\":[" + String.join(",", columns) + "]}");
      }
    } finally {
      spark.stop();
    }
  }
}
