// The page's one door to the server: JSON in, JSON out, under /api/.
export async function api(endpoint, body) {
  const init = body === undefined ? {method: "GET"} : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  let response;
  try {
    response = await fetch(`/api/${endpoint}`, init);
  } catch (e) {
    return {ok: false, status: 0, json: {error: "the server does not answer (is `decree serve` still running?)", hint: null}};
  }
  let json;
  try {
    json = await response.json();
  } catch (e) {
    json = {error: `the server answered HTTP ${response.status} without JSON`, hint: null};
  }
  return {ok: response.ok, status: response.status, json};
}
