// Fast ISO-8601 formatting for monotone-ish millisecond times: the "YYYY-MM-DDTHH:MM:SS." prefix is
// cached per second, so most calls only append the milliseconds. Same output as Date#toISOString.
export class IsoFormatter {
  private second = Number.NaN;
  private prefix = "";

  format(ms: number): string {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.second) {
      this.second = sec;
      this.prefix = new Date(sec * 1000).toISOString().slice(0, 20);
    }
    const rem = ms - sec * 1000;
    return `${this.prefix}${rem < 10 ? "00" : rem < 100 ? "0" : ""}${rem}Z`;
  }
}
