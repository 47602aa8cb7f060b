-- Closed candles of every interval, one row per series and open time. Prices and volumes are
-- numeric, which keeps the exact decimal text an exchange sent (its scale included).
CREATE TABLE history_candles (
  symbol        text     NOT NULL,
  interval      text     NOT NULL,
  open_time     bigint   NOT NULL,
  close_time    bigint   NOT NULL,
  open          numeric  NOT NULL,
  high          numeric  NOT NULL,
  low           numeric  NOT NULL,
  close         numeric  NOT NULL,
  volume        numeric  NOT NULL,
  ticks         integer  NOT NULL,
  -- The leadership epoch of the pod that wrote the row: which leader stored what.
  written_epoch bigint   NOT NULL,
  PRIMARY KEY (symbol, interval, open_time)
);

-- Retention deletes by interval and age.
CREATE INDEX history_candles_interval_open_time ON history_candles (interval, open_time);

-- The single writer's fence and its place in the Redis closes stream: one row, locked by every
-- write transaction, so writes serialize, a lower epoch is refused, and the cursor only moves
-- past closes committed in the same transaction.
CREATE TABLE history_writer (
  id            integer     PRIMARY KEY CHECK (id = 1),
  epoch         bigint      NOT NULL,
  instance_id   text,
  closes_cursor text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO history_writer (id, epoch) VALUES (1, 0);
