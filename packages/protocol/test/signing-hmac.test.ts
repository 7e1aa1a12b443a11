import { createHmac } from 'node:crypto';
import { hmacSha256Hex, md5Hex, safeEqual } from '@inloop/protocol/signing';
import { describe, expect, it } from 'vitest';

describe('hmac helpers', () => {
  it('hmacSha256Hex is HMAC-SHA256 over the UTF-8 string, lowercase hex', () => {
    expect(hmacSha256Hex('secret', 'é')).toBe(createHmac('sha256', 'secret').update(Buffer.from('é')).digest('hex'));
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex(Buffer.from('abc'))).toBe(md5Hex('abc'));
  });

  it('safeEqual compares whole strings, refusing other lengths without throwing', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    // Same UTF-16 length, different UTF-8 length: must not reach timingSafeEqual with unequal buffers.
    expect(safeEqual('é', 'e')).toBe(false);
  });
});
