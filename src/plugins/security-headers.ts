import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type fastifyHelmet } from '@fastify/helmet';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';

/** Every response that is not an HTML page (the JSON API, assets, redirects) may load and be framed by nothing. */
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'";

const SCRIPT_NONCE = 'script-nonce-placeholder';
const STYLE_NONCE = 'style-nonce-placeholder';

/**
 * The pages' CSP, built once by helmet's own directive parser (its defaults merged with ours) with
 * placeholders where the nonces go, and split there: each page's header is then a concatenation.
 */
// At run time the plugin's default export carries helmet's CSP middleware; its types put it elsewhere.
const { contentSecurityPolicy } = helmet as unknown as Pick<typeof fastifyHelmet, 'contentSecurityPolicy'>;

function pageCspParts(config: Config): [string, string, string] {
  let header = '';
  const res = {
    setHeader: (_name: string, value: string) => {
      header = value;
    },
  } as unknown as ServerResponse;
  contentSecurityPolicy({
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", `'nonce-${SCRIPT_NONCE}'`],
      styleSrc: ["'self'", `'nonce-${STYLE_NONCE}'`],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      upgradeInsecureRequests: config.trustTls ? [] : null,
    },
  })({} as IncomingMessage, res, () => {});
  const [before, rest] = header.split(SCRIPT_NONCE);
  const [middle, after] = (rest ?? '').split(STYLE_NONCE);
  if (!header || before === undefined || middle === undefined || after === undefined)
    throw new Error(`could not build the pages' Content-Security-Policy from ${JSON.stringify(header)}`);
  return [before, middle, after];
}

/**
 * A CSP without 'unsafe-inline': the GOV.UK template's one inline script carries a per-request
 * nonce. helmet sets the other headers and makes the nonces (reply.cspNonce); the CSP itself is
 * set here, on the way out, from a string built once (helmet would re-parse the directives on
 * every response).
 */
export default fp(async (app, opts: { config: Config }) => {
  const [before, middle, after] = pageCspParts(opts.config);
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: false,
    hsts: opts.config.trustTls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    const nonce = reply.cspNonce;
    reply.header(
      'content-security-policy',
      typeof type === 'string' && type.startsWith('text/html') && nonce ? before + nonce.script + middle + nonce.style + after : STRICT_CSP,
    );
    done(null, payload);
  });
});
