-- Positions belong to a topic partition, not to a consumer group: a new WORKER_GROUP_ID, or a second
-- group on the same database, must find the offsets already counted instead of counting again.
-- Where several groups stored a position for one partition, the furthest one is kept (everything
-- below it has been counted).
DELETE FROM "partition_state" a
USING "partition_state" b
WHERE a."topic" = b."topic" AND a."partition" = b."partition"
  AND (a."next_offset" < b."next_offset" OR (a."next_offset" = b."next_offset" AND a."group_id" > b."group_id"));

ALTER TABLE "partition_state" DROP CONSTRAINT "partition_state_pkey";
ALTER TABLE "partition_state" ADD CONSTRAINT "partition_state_pkey" PRIMARY KEY ("topic", "partition");

-- Which Kafka cluster and which incarnation of the topic the position belongs to: the cluster id,
-- and the Kafka timestamp and CRC-32 of the last record counted (the one at next_offset - 1).
ALTER TABLE "partition_state" ADD COLUMN "cluster_id" VARCHAR(64);
ALTER TABLE "partition_state" ADD COLUMN "last_record_timestamp" BIGINT;
ALTER TABLE "partition_state" ADD COLUMN "last_record_crc" BIGINT;
-- Offsets that were removed by retention before the worker read them.
ALTER TABLE "partition_state" ADD COLUMN "expired" BIGINT NOT NULL DEFAULT 0;
-- Why the worker refuses to go on with this partition (null while it counts).
ALTER TABLE "partition_state" ADD COLUMN "blocked_reason" TEXT;
ALTER TABLE "partition_state" ADD COLUMN "blocked_at" TIMESTAMPTZ(3);
