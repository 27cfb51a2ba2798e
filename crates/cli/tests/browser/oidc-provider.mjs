// A real OpenID Connect provider (npm `oidc-provider`, the certified
// Node.js implementation) for the integration tests of Baladiya's
// "sign in with a national identity" flow.
//
// Environment:
//   REDIRECT_URI   Baladiya's callback, registered for the one client
//   CLIENT_ID      and CLIENT_SECRET of that client (client_secret_basic)
//   ACCOUNTS       JSON: login -> verified phone number; other logins have none
//   ATTACK         none (default) | bad-signature | wrong-audience: the token
//                  endpoint's ID token is replaced by one signed with a key
//                  the provider never published, or by one issued to
//                  another client, as an attacker in the middle would
//
// Prints `ISSUER http://127.0.0.1:PORT` once it listens. The login page is
// the provider's own development page (any login, any password), then its
// consent page.
import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] ?? fallback;
const accounts = JSON.parse(env('ACCOUNTS', '{}'));
const attack = env('ATTACK', 'none');

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signing = { ...(await exportJWK(privateKey)), kid: 'baladiya-test-key', alg: 'RS256', use: 'sig' };
const { privateKey: strangerKey } = await generateKeyPair('RS256', { extractable: true });

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('CLIENT_ID', 'baladiya'),
    client_secret: env('CLIENT_SECRET', 'baladiya-secret'),
    redirect_uris: [env('REDIRECT_URI', 'http://127.0.0.1/callback')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [signing] },
  claims: { openid: ['sub'], phone: ['phone_number', 'phone_number_verified'] },
  pkce: { required: () => true },
  cookies: { keys: ['baladiya-test-cookie-key'] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        const phone = accounts[id];
        return phone ? { sub: id, phone_number: phone, phone_number_verified: true } : { sub: id };
      },
    };
  },
});

// The attacker in the middle: rewrites the ID token of the token response.
provider.use(async (ctx, next) => {
  await next();
  if (attack === 'none' || ctx.path !== '/token' || !ctx.body?.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const { kid } = decodeProtectedHeader(ctx.body.id_token);
  const forged = attack === 'wrong-audience' ? { ...claims, aud: 'another-service' } : claims;
  const key = attack === 'wrong-audience' ? privateKey : strangerKey;
  ctx.body = {
    ...ctx.body,
    id_token: await new SignJWT(forged).setProtectedHeader({ alg: 'RS256', kid }).sign(key),
  };
});

server.on('request', provider.callback());
process.stdout.write(`ISSUER ${issuer}\n`);
