import { randomBytes } from 'node:crypto';

/** The demo's "sign-in": a random user id in a cookie, enough to show that tasks belong to someone. */
export const USER_COOKIE = 'demo_user';
const USER_ID = /^user-[a-f0-9]{8,32}$/;

export function userFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== USER_COOKIE) continue;
    const value = decodeURIComponent(rest.join('='));
    return USER_ID.test(value) ? value : undefined;
  }
  return undefined;
}

export function newUserId(): string {
  return `user-${randomBytes(6).toString('hex')}`;
}

export function userCookie(userId: string): string {
  return `${USER_COOKIE}=${userId}; Path=/; HttpOnly; SameSite=Lax`;
}
