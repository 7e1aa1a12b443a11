/**
 * The official pusher-js client, typed as it is at runtime. Tests import `Pusher` from here, not from 'pusher-js'.
 *
 * pusher-js is CommonJS: its `module.exports` is the Pusher class. Its `.d.ts` declares an ES `export default`, which
 * TypeScript (NodeNext) reads as `module.exports.default`; so in an ES module the default import is typed as the
 * module namespace (not constructable) while at runtime it is the class, and `.default` is typed as the class while
 * at runtime it is undefined. A namespace import does not help: its `default` is `module.exports` as well, typed the
 * same way. Hence the one cast below: the value is the default import, the type is the class the `.d.ts` declares.
 */
import pusherJs from 'pusher-js';

type PusherClass = typeof pusherJs.default;

// Deliberate cast: at runtime the default import *is* the class (module.exports); see above.
export const Pusher = pusherJs as unknown as PusherClass;
export type Pusher = InstanceType<PusherClass>;
