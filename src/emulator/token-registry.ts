export interface TokenGrant {
  kind: 'worker' | 'access';
  environmentId: string;
  sub?: string;
  scope?: string;
  expiresAt: number;
}

export type TokenRegistry = ReturnType<typeof createTokenRegistry>;

/** Issued tokens by value: a bearer is valid only when issued here and unexpired by the emulator's clock. */
export function createTokenRegistry(clock: { now(): number }) {
  const tokens = new Map<string, TokenGrant>();
  // `check` refuses expired tokens by itself; sweeping them is only about memory, so it runs
  // once a minute rather than over every stored token on every issue (a benchmark issues 10,000).
  let nextSweep = 0;
  return {
    add(token: string, grant: TokenGrant): void {
      tokens.set(token, grant);
      const now = clock.now();
      if (now < nextSweep) return;
      nextSweep = now + 60_000;
      for (const [t, g] of tokens) if (g.expiresAt <= now) tokens.delete(t);
    },
    /** The grant of an `Authorization: Bearer` header's token. */
    check(authorization: string | undefined, kind: TokenGrant['kind']): TokenGrant | undefined {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!token) return undefined;
      const grant = tokens.get(token);
      if (!grant || grant.kind !== kind || grant.expiresAt <= clock.now()) return undefined;
      return grant;
    },
  };
}
