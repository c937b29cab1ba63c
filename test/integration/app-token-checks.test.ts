import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  appForTest,
  latestOtp,
  recordingFetch,
  submitCode,
  submitTransfer,
} from '../helpers/app.js';

/** Replaces a JSON response body, keeping status and headers (tampering with what PingOne said). */
async function rewriteJson(
  response: Response,
  edit: (body: Record<string, unknown>) => Promise<void> | void,
) {
  const body = (await response.json()) as Record<string, unknown>;
  await edit(body);
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: response.status, headers });
}

/** One approval with PingOne's answers passed through `tamper`: where it ended and what it left. */
async function approvalThrough(tamper: (url: string, response: Response) => Promise<Response>) {
  const t = await appForTest({ deps: { fetch: recordingFetch(tamper).fetch } });
  const agent = request.agent(t.app);
  await submitTransfer(agent);
  const submitted = await submitCode(agent, latestOtp(t.emulator));
  const result = await agent.get('/approvals/result');
  const rejected = t.logs.map((l) => JSON.parse(l)).find((l) => l.event === 'token.rejected');
  return { submitted, result, recorded: await t.approvals.listRecent(10), rejected };
}

describe('token and ID token checks', () => {
  it('refuses an ID token signed by another key (same kid): not approved, logged, nothing recorded', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const tamper = async (url: string, response: Response) => {
      if (!url.endsWith('/as/token') || response.status !== 200) return response;
      return rewriteJson(response, async (body) => {
        const original = String(body.id_token);
        body.id_token = await new SignJWT(decodeJwt(original))
          .setProtectedHeader(decodeProtectedHeader(original) as { alg: string; kid?: string })
          .sign(privateKey);
      });
    };
    const { submitted, result, recorded, rejected } = await approvalThrough(tamper);
    expect(submitted.headers.location).toBe('/approvals/result');
    expect(result.text).toContain('Transfer not approved');
    expect(result.text).toContain('did not pass our checks');
    expect(recorded).toHaveLength(0);
    expect(rejected?.reason).toMatch(/signature/i);
  });

  it('refuses a token response without an id_token (openid-client, idTokenExpected)', async () => {
    const tamper = async (url: string, response: Response) => {
      if (!url.endsWith('/as/token') || response.status !== 200) return response;
      return rewriteJson(response, (body) => {
        delete body.id_token;
      });
    };
    const { result, recorded, rejected } = await approvalThrough(tamper);
    expect(result.text).toContain('Transfer not approved');
    expect(recorded).toHaveLength(0);
    expect(rejected?.reason).toBe(
      'OAUTH_INVALID_RESPONSE: invalid response encountered <- ' +
        'OAUTH_INVALID_RESPONSE: "response" body "id_token" property must be a string',
    );
  });

  it('refuses an ID token whose sub is not the user PingOne named in the flow', async () => {
    // PingOne's flow names the user; an ID token for anyone else is no evidence for this approval.
    const tamper = async (url: string, response: Response) => {
      if (!url.includes('/as/authorize') || response.status !== 200) return response;
      return rewriteJson(response, (body) => {
        const embedded = body._embedded as { user?: { id?: string } } | undefined;
        if (embedded?.user) embedded.user.id = '00000000-0000-4000-8000-000000000000';
      });
    };
    const { result, recorded, rejected } = await approvalThrough(tamper);
    expect(result.text).toContain('Transfer not approved');
    expect(recorded).toHaveLength(0);
    expect(rejected?.reason).toContain('is not the user of this flow');
  });

  it('a used authorization code (invalid_grant) is "not approved"', async () => {
    const tamper = async (url: string, response: Response) => {
      // Resume answers a code PingOne never issued: the token endpoint refuses it.
      if (!url.includes('/as/resume') || response.status !== 200) return response;
      return rewriteJson(response, (body) => {
        (body.authorizeResponse as { code: string }).code = 'not-a-real-code';
      });
    };
    const { result, recorded } = await approvalThrough(tamper);
    expect(result.text).toContain('Transfer not approved');
    expect(result.text).toContain('action="/approvals/resend"');
    expect(recorded).toHaveLength(0);
  });

  it('authenticates with Basic from the raw client id and secret, accepted decoded or not', async () => {
    // The emulator form-urlencode-decodes Basic credentials (RFC 6749 §2.3.1). A server that
    // reads them literally is played here: it refuses anything but the raw bytes, as a PingOne
    // that does not decode would. The exchange must pass both.
    const sent: string[] = [];
    const literalServer: typeof fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/as/token')) {
        const header = new Headers(init?.headers).get('authorization') ?? '';
        sent.push(header);
        const { clientId, clientSecret } = t!.config.pingone!;
        const literal = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
        if (literal !== `${clientId}:${clientSecret}`) {
          return Response.json({ error: 'invalid_client' }, { status: 401 });
        }
      }
      return recordingFetch().fetch(input, init);
    };
    const t = await appForTest({ deps: { fetch: literalServer } });
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    await submitCode(agent, latestOtp(t.emulator));
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
    expect(sent).toHaveLength(1);
    const { clientId, clientSecret } = t.config.pingone!;
    expect(clientId).toContain('-');
    expect(sent[0]).toBe(`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`);
  });
});
