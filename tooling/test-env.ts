/**
 * The environment every test process runs with: its own Kafka port, data folder and database, so
 * `npm test` never touches a running demo. TEST_KAFKA_BROKERS and TEST_DATABASE_URL point the
 * tests at other servers.
 */
export function testEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const db = new URL(base.TEST_DATABASE_URL ?? base.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/clickstream');
  if (!base.TEST_DATABASE_URL) db.pathname = '/clickstream_test';
  return {
    ...base,
    NODE_ENV: 'test',
    LOG_LEVEL: base.TEST_LOG_LEVEL ?? 'fatal',
    DATA_DIR: base.TEST_DATA_DIR ?? '.data/test',
    KAFKA_BROKERS: base.TEST_KAFKA_BROKERS ?? '127.0.0.1:19092',
    DATABASE_URL: db.toString(),
    PORT: base.TEST_PORT ?? '3100',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: base.NEXT_DIST_DIR ?? '.next-test',
  };
}
