/** The few plain requests a benchmark makes outside the load generator. */

export async function requestJson(url, { method = 'GET', body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

export const BENCH_USER = { username: 'bench-user', password: 'correct horse battery staple 42' };

/** Registers BENCH_USER on a fresh coordinator and logs in; answers the login body. */
export async function registerAndLogIn(baseUrl, user = BENCH_USER) {
  const registered = await requestJson(`${baseUrl}/api/v1/auth/register`, { method: 'POST', body: user });
  if (registered.status !== 201 && registered.status !== 200) {
    throw new Error(`register answered ${registered.status}: ${registered.text}`);
  }
  const login = await requestJson(`${baseUrl}/api/v1/auth/login`, { method: 'POST', body: user });
  if (login.status !== 200 || !login.json?.accessToken) {
    throw new Error(`login answered ${login.status}: ${login.text}`);
  }
  return login.json;
}
