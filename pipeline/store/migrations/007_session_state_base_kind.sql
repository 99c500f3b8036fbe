-- session_state gets the kind 'base': one row per base session id holding its closed count and its open
-- segments as compact accumulators (counts, first/last times, cart and rule state, the few events not
-- folded yet) instead of each open segment's whole event list. The earlier kinds stay readable: the
-- aggregator rewrites a 'segment' row's base as a 'base' row and deletes it at its next commit.
ALTER TABLE session_state DROP CONSTRAINT session_state_kind_check;
ALTER TABLE session_state ADD CONSTRAINT session_state_kind_check
    CHECK (kind IN ('base', 'segment', 'closed_count'));
