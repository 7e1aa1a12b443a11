// Entry of `inloop-client.full.iife.js`: the global `Inloop` with presence member lists, user sign-in
// and the pusher-js and ably-js adapters too.
import { fromAbly, fromPusherJs } from './adapters/index.js';
import { Inloop } from './browser.js';
import { PresenceMembers } from './presence.js';
import { UserSession } from './user.js';

Object.assign(Inloop, { fromAbly, fromPusherJs, PresenceMembers, UserSession });
