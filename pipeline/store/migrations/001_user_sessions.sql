-- The phase-1 table, verbatim from the reference report (column names, types, defaults, order).
-- cartstream's extra columns are added after these by 002.
CREATE TABLE user_sessions (
    session_id VARCHAR(50) PRIMARY KEY,
    user_id VARCHAR(50) NOT NULL,
    start_time TIMESTAMP NOT NULL,
    end_time TIMESTAMP,
    last_activity TIMESTAMP NOT NULL,
    device_type VARCHAR(20),
    browser VARCHAR(50),

    -- Behavioral metrics
    page_views INTEGER DEFAULT 0,
    products_viewed INTEGER DEFAULT 0,
    unique_products_viewed INTEGER DEFAULT 0,
    searches INTEGER DEFAULT 0,

    -- Cart metrics
    cart_additions INTEGER DEFAULT 0,
    cart_removals INTEGER DEFAULT 0,
    cart_value DECIMAL(10, 2) DEFAULT 0.00,

    -- Conversion metrics
    is_converted BOOLEAN DEFAULT FALSE,
    purchase_value DECIMAL(10, 2) DEFAULT 0.00,

    -- Session quality indicators
    session_duration_seconds INTEGER DEFAULT 0,
    avg_time_per_page DECIMAL(10, 2) DEFAULT 0.00,
    bounce BOOLEAN DEFAULT FALSE,

    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
