import type { PresenceData } from '@inloop/protocol';

export interface Member {
  id: string;
  info: unknown;
}

/** Who is on a presence channel; kept up to date from member_added/member_removed. */
export class PresenceMembers {
  private members = new Map<string, unknown>();
  /** The signed-in member, from the channel_data this client authorized with. */
  me: Member | null = null;

  get count(): number {
    return this.members.size;
  }

  get(id: string): Member | null {
    return this.members.has(id) ? { id, info: this.members.get(id) } : null;
  }

  each(callback: (member: Member) => void): void {
    for (const [id, info] of this.members) callback({ id, info });
  }

  /** @internal */
  setMe(channelData: string | undefined): void {
    if (!channelData) return;
    try {
      const data = JSON.parse(channelData) as { user_id?: unknown; user_info?: unknown };
      this.me = { id: String(data.user_id), info: data.user_info };
    } catch {
      this.me = null;
    }
  }

  /**
   * @internal What a presence channel delivers for one of its events: the member list on subscription, member
   * events as `pusher:member_added`/`pusher:member_removed` with the member, or nothing when they change nothing.
   */
  receive(event: string, data: unknown): [string, unknown] | null {
    const fields = data as { presence?: PresenceData; user_id?: unknown; user_info?: unknown };
    if (event === 'pusher:subscription_succeeded') {
      this.reset(fields.presence);
      return [event, this];
    }
    const added = event === 'pusher_internal:member_added';
    if (!added && event !== 'pusher_internal:member_removed') return [event, data];
    const change = this.update(String(fields.user_id), added, fields.user_info);
    return change && [event.replace('_internal', ''), change];
  }

  private reset(presence: PresenceData | undefined): void {
    this.members = new Map(Object.entries(presence?.hash ?? {}));
    for (const id of presence?.ids ?? []) if (!this.members.has(id)) this.members.set(id, undefined);
  }

  /** A member came (`added`) or went; the change to report, or null when there is none. */
  private update(id: string, added: boolean, info: unknown): Member | null {
    const known = this.members.has(id);
    const member = { id, info: added ? info : this.members.get(id) };
    if (added) this.members.set(id, info);
    else this.members.delete(id);
    return known === added ? null : member;
  }
}
