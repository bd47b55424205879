// Authorization latency, Keyaki against cedar-wasm's `statefulIsAuthorized`,
// on the same policies, entities and requests in the same run: a small
// TinyTodo-like policy set and a 1,000-policy set over a realistic entity graph.
// Also the time to parse (and, for Keyaki, compile) each policy set.
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import {
  isAuthorized as compatIsAuthorized,
  preparsePolicySet as compatPreparse,
  statefulIsAuthorized as compatStateful,
} from '../src/cedar/compat.js';
import {
  isAuthorized,
  makeRequest,
  parseEntities,
  parsePolicySet,
  type Request,
} from '../src/cedar/index.js';

type Uid = { type: string; id: string };
interface RequestJson {
  principal: Uid;
  action: Uid;
  resource: Uid;
  context: Record<string, wasm.CedarValueJson>;
}
interface Workload {
  readonly name: string;
  readonly policies: string;
  readonly entities: wasm.EntityJson[];
  readonly requests: RequestJson[];
}

const uid = (type: string, id: string): Uid => ({ type, id });

function entity(
  type: string,
  id: string,
  attrs: Record<string, wasm.CedarValueJson>,
  parents: Uid[],
): wasm.EntityJson {
  return { uid: uid(type, id), attrs, parents };
}

function tinyTodo(): Workload {
  const policies = `
@id("owner")
permit (principal, action, resource is List) when { resource.owner == principal };
permit (principal, action == Action::"GetList", resource is List) when { principal in resource.readers || principal in resource.editors };
permit (principal, action in [Action::"UpdateList", Action::"CreateTask", Action::"UpdateTask", Action::"DeleteTask"], resource is List)
  when { principal in resource.editors };
permit (principal, action in [Action::"CreateList", Action::"GetLists"], resource == Application::"TinyTodo");
forbid (principal in Team::"interns", action == Action::"CreateList", resource == Application::"TinyTodo");
forbid (principal, action, resource) when { context has blocked && context.blocked } unless { principal.joblevel >= 7 };
`;
  const entities: wasm.EntityJson[] = [entity('Application', 'TinyTodo', {}, [])];
  const users = ['kesha', 'andrew', 'aaron', 'emina'];
  users.forEach((name, index) =>
    entities.push(
      entity(
        'User',
        name,
        { joblevel: 3 + index * 2, location: 'ABC17' },
        index % 2 === 0 ? [uid('Team', 'interns')] : [uid('Team', 'admin')],
      ),
    ),
  );
  entities.push(entity('Team', 'interns', {}, []), entity('Team', 'admin', {}, []));
  for (let list = 0; list < 4; list += 1) {
    entities.push(entity('Team', `readers${list}`, {}, []), entity('Team', `editors${list}`, {}, []));
    entities.push(
      entity(
        'List',
        `${list}`,
        {
          owner: { __entity: uid('User', users[list % users.length] ?? 'kesha') },
          readers: { __entity: uid('Team', `readers${list}`) },
          editors: { __entity: uid('Team', `editors${list}`) },
          name: `list ${list}`,
        },
        [uid('Application', 'TinyTodo')],
      ),
    );
  }
  for (const name of [
    'GetList',
    'UpdateList',
    'CreateTask',
    'UpdateTask',
    'DeleteTask',
    'CreateList',
    'GetLists',
  ]) {
    entities.push(entity('Action', name, {}, []));
  }
  const requests: RequestJson[] = [];
  for (const user of users) {
    for (const action of ['GetList', 'UpdateList', 'CreateList']) {
      requests.push({
        principal: uid('User', user),
        action: uid('Action', action),
        resource:
          action === 'CreateList' ? uid('Application', 'TinyTodo') : uid('List', `${requests.length % 4}`),
        context: requests.length % 3 === 0 ? { blocked: true } : {},
      });
    }
  }
  return { name: 'TinyTodo-like (6 policies, 23 entities)', policies, entities, requests };
}

function large(): Workload {
  const lines: string[] = [];
  for (let index = 0; index < 1000; index += 1) {
    const folder = `f${index % 100}`;
    switch (index % 4) {
      case 0:
        lines.push(
          `permit (principal == User::"u${index % 500}", action == Action::"view", resource in Folder::"${folder}");`,
        );
        break;
      case 1:
        lines.push(
          `permit (principal in Group::"g${index % 50}", action in [Action::"view", Action::"edit"], resource in Folder::"${folder}") when { resource.classification <= principal.clearance };`,
        );
        break;
      case 2:
        lines.push(
          `permit (principal is User, action == Action::"edit", resource is Doc in Folder::"${folder}") when { resource.owner == principal && context.mfa };`,
        );
        break;
      default:
        lines.push(
          `forbid (principal in Group::"g${index % 50}", action == Action::"delete", resource in Folder::"${folder}") unless { principal.clearance > 3 && context.ip.isInRange(ip("10.0.0.0/8")) };`,
        );
    }
  }
  const entities: wasm.EntityJson[] = ['view', 'edit', 'delete'].map((name) =>
    entity('Action', name, {}, []),
  );
  for (let group = 0; group < 50; group += 1)
    entities.push(entity('Group', `g${group}`, {}, group < 5 ? [] : [uid('Group', `g${group % 5}`)]));
  for (let user = 0; user < 500; user += 1) {
    entities.push(
      entity('User', `u${user}`, { clearance: user % 6, name: `user ${user}` }, [
        uid('Group', `g${user % 50}`),
        uid('Group', `g${(user * 7) % 50}`),
      ]),
    );
  }
  for (let folder = 0; folder < 100; folder += 1) {
    entities.push(entity('Folder', `f${folder}`, {}, folder < 10 ? [] : [uid('Folder', `f${folder % 10}`)]));
  }
  for (let doc = 0; doc < 2000; doc += 1) {
    entities.push(
      entity(
        'Doc',
        `d${doc}`,
        { owner: { __entity: uid('User', `u${doc % 500}`) }, classification: doc % 5 },
        [uid('Folder', `f${doc % 100}`)],
      ),
    );
  }
  const requests: RequestJson[] = [];
  for (let index = 0; index < 64; index += 1) {
    requests.push({
      principal: uid('User', `u${(index * 37) % 500}`),
      action: uid('Action', ['view', 'edit', 'delete'][index % 3] ?? 'view'),
      resource: uid('Doc', `d${(index * 131) % 2000}`),
      context: { mfa: index % 2 === 0, ip: { __extn: { fn: 'ip', arg: `10.0.${index}.1` } } },
    });
  }
  return { name: '1,000 policies (2,653 entities)', policies: lines.join('\n'), entities, requests };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

// Each timed call is first run until the JIT has settled (both engines
// alike). Counted in CPU time, so that a loaded machine (where this process
// and its compiler threads get a fraction of a core) warms up as much.
const WARM_UP_CPU_NS = 500e6;
// A sample times a batch of consecutive calls at least this long, so that the
// clock's own cost does not weigh on calls of a few microseconds.
const SAMPLE_NS = 20e3;

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** Median nanoseconds per call: `samples` batches of calls cycling through the requests, after a warm-up. */
function time(requests: number, samples: number, call: (index: number) => unknown): number {
  const now = (): number => Number(process.hrtime.bigint());
  let next = 0;
  const run = (): void => {
    call(next % requests);
    next += 1;
  };
  const warmUpStart = cpuNow();
  while (next < Math.min(requests, 8) || cpuNow() - warmUpStart < WARM_UP_CPU_NS) run();
  const calibrationStart = now();
  const calibrationFrom = next;
  while (next === calibrationFrom || now() - calibrationStart < 10 * SAMPLE_NS) run();
  const batch = Math.max(1, Math.ceil(SAMPLE_NS / ((now() - calibrationStart) / (next - calibrationFrom))));
  const perCall: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const start = now();
    for (let index = 0; index < batch; index += 1) run();
    perCall.push((now() - start) / batch);
  }
  return median(perCall);
}

function fail(message: string): never {
  throw new Error(message);
}

function run(workload: Workload, rounds: number): void {
  const parseRounds = 20;
  const parseOurs = time(1, parseRounds, () => parsePolicySet(workload.policies));
  const parseWasm = time(1, parseRounds, () =>
    wasm.checkParsePolicySet({ staticPolicies: workload.policies }),
  );

  const setId = `bench-${workload.name}`;
  if (wasm.preparsePolicySet(setId, { staticPolicies: workload.policies }).type !== 'success')
    fail('cedar-wasm preparse failed');
  if (compatPreparse(setId, { staticPolicies: workload.policies }).type !== 'success')
    fail('keyaki preparse failed');
  const policySet = parsePolicySet(workload.policies);
  const store = parseEntities(workload.entities);
  if (!policySet.ok || !store.ok) fail('keyaki could not read the workload');
  const requests: Request[] = workload.requests.map((json) => {
    const made = makeRequest(json);
    return made.ok ? made.request : fail('bad request');
  });
  const call = (
    index: number,
  ): RequestJson & { preparsedPolicySetId: string; entities: wasm.EntityJson[] } => ({
    ...(workload.requests[index] ?? fail('no request')),
    preparsedPolicySetId: setId,
    entities: workload.entities,
  });

  // Both engines must decide every request the same way before anything is timed.
  let allowed = 0;
  for (let index = 0; index < requests.length; index += 1) {
    const oracle = wasm.statefulIsAuthorized(call(index));
    const ours = compatStateful(call(index));
    if (oracle.type !== 'success' || ours.type !== 'success') fail('an engine failed');
    if (
      JSON.stringify([oracle.response.decision, [...oracle.response.diagnostics.reason].sort()]) !==
      JSON.stringify([ours.response.decision, [...ours.response.diagnostics.reason].sort()])
    ) {
      fail(`the engines disagree on request ${index}`);
    }
    if (ours.response.decision === 'allow') allowed += 1;
  }

  const n = requests.length;
  const store0 = store.entities;
  const compiled = policySet.policySet;
  const entitiesText = JSON.stringify(workload.entities);
  const oneShotSamples = Math.max(1, rounds / 10) * n;
  const oursPrepared = time(n, rounds * n, (index) =>
    isAuthorized(compiled, requests[index] as Request, store0),
  );
  const oursStateful = time(n, rounds * n, (index) => compatStateful(call(index)));
  const oursStatefulText = time(n, rounds * n, (index) =>
    compatStateful({ ...call(index), entities: entitiesText }),
  );
  const wasmStateful = time(n, rounds * n, (index) => wasm.statefulIsAuthorized(call(index)));
  const oneShot = (
    index: number,
  ): RequestJson & { entities: wasm.EntityJson[]; policies: { staticPolicies: string } } => ({
    ...(workload.requests[index] ?? fail('no request')),
    entities: workload.entities,
    policies: { staticPolicies: workload.policies },
  });
  const oursOneShot = time(n, oneShotSamples, (index) => compatIsAuthorized(oneShot(index)));
  const wasmOneShot = time(n, oneShotSamples, (index) => wasm.isAuthorized(oneShot(index)));
  const us = (ns: number): string => (ns / 1000).toFixed(ns < 10_000 ? 2 : 0);
  const row = (label: string, ours: number, theirs: number): void =>
    console.log(`| ${label} | ${us(ours)} | ${us(theirs)} | ${(theirs / ours).toFixed(1)}× |`);
  console.log(`\n${workload.name}; ${n} requests, ${allowed} allowed; median per call`);
  console.log(`| call | Keyaki µs | cedar-wasm µs | speed-up |`);
  console.log(`| --- | ---: | ---: | ---: |`);
  row('statefulIsAuthorized (entities as JSON values per call)', oursStateful, wasmStateful);
  row('statefulIsAuthorized, Keyaki given the entities as JSON text', oursStatefulText, wasmStateful);
  row('Keyaki isAuthorized on a prepared entity store', oursPrepared, wasmStateful);
  row('isAuthorized (policies and entities per call)', oursOneShot, wasmOneShot);
  row('parse policy set', parseOurs, parseWasm);
}

const rounds = Number(process.env['ROUNDS'] ?? '50');
run(tinyTodo(), rounds * 10);
run(large(), rounds);
