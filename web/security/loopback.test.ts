import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.0.0.53', '127.255.255.254', 'localhost', 'LOCALHOST', 'localhost.', 'app.localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (h) => expect(isLoopbackHost(h)).toBe(true),
  );
  it.each(['0.0.0.0', '::', '[::]', '192.168.1.5', '10.0.0.1', '128.0.0.1', '127.0.0.256', '1127.0.0.1', 'dash.example.com', 'localhost.example.com', '::2', '1::1', '::ffff:10.0.0.1'])(
    '%s is not loopback',
    (h) => expect(isLoopbackHost(h)).toBe(false),
  );
});
