import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { kindFromCrd } from './crd.js';
import { type Lab, startLab } from './testkit.js';
import { readCrdManifests } from './server.js';

/** The repository's crds/ folder, from e2e/dist/apiserver/. */
const REPO_CRDS = fileURLToPath(new URL('../../../crds', import.meta.url));

type Resource = { name: string; kind: string; namespaced: boolean; shortNames?: string[]; categories?: string[] };

describe("lab API server with Herald's own CRDs @lab", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ crdsDir: REPO_CRDS });
  });
  after(async () => {
    await lab.close();
  });

  it('registers every CRD in crds/ with its names, scope and status subresource', async () => {
    const manifests = readCrdManifests(REPO_CRDS);
    expect(manifests.length, `no CRDs found in ${REPO_CRDS}`).to.be.greaterThan(0);
    for (const { file, crd } of manifests) {
      const kind = kindFromCrd(crd);
      for (const version of kind.versions) {
        const r = await lab.http('GET', `/apis/${kind.group}/${version}`);
        expect(r.status, `${file}: /apis/${kind.group}/${version}`).to.equal(200);
        const resources = (r.json as { resources: Resource[] }).resources;
        const main = resources.find((x) => x.name === kind.plural);
        expect(main, `${file}: ${kind.plural} in discovery`).to.deep.include({ kind: kind.kind, namespaced: kind.namespaced });
        expect(main?.shortNames ?? [], file).to.deep.equal(kind.shortNames);
        expect(resources.some((x) => x.name === `${kind.plural}/status`), `${file}: status subresource`).to.equal(kind.statusSubresource);
        const list = await lab.http('GET', `/apis/${kind.group}/${version}/${kind.plural}`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
        const columns = (list.json as { columnDefinitions: { name: string }[] }).columnDefinitions.map((c) => c.name);
        expect(columns, file).to.deep.equal(kind.columns(version).map((c) => c.name));
      }
    }
  });

  it('applies a sample IPAddressPool with kubectl, defaulted, with its printer columns', async () => {
    const path = join(lab.dir, 'pool.yaml');
    writeFileSync(
      path,
      'apiVersion: heraldlb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: lab-pool, namespace: herald-system}\nspec:\n  addresses: [198.51.100.0/28, 2001:db8::10-2001:db8::1f]\n',
    );
    const applied = await lab.kubectl(['apply', '-f', path]);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.contain('ipaddresspool.heraldlb.io/lab-pool created');
    const pool = readCrdManifests(REPO_CRDS).find(({ crd }) => crd.metadata.name === 'ipaddresspools.heraldlb.io');
    expect(pool, 'crds/ has no ipaddresspools.heraldlb.io').to.not.equal(undefined);
    const kind = kindFromCrd(pool?.crd ?? { apiVersion: '', kind: '', metadata: {} });
    const got = await lab.kubectl(['get', 'ipaddresspools', '-n', 'herald-system']);
    expect(got.code, got.stderr).to.equal(0);
    const [header = '', row = ''] = got.stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).to.deep.equal(kind.columns(kind.versions[0] ?? '').map((c) => c.name.toUpperCase()));
    expect(row).to.match(/^lab-pool\s+\["198\.51\.100\.0\/28","2001:db8::10-2001:db8::1f"\]\s+true\s/);
    const spec = await lab.kubectl(['get', 'ipp', 'lab-pool', '-n', 'herald-system', '-o', 'jsonpath={.spec.autoAssign} {.spec.avoidBuggyIPs}']);
    expect(spec.stdout).to.equal('true false');
    writeFileSync(path, 'apiVersion: heraldlb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: empty, namespace: herald-system}\nspec:\n  addresses: []\n');
    const refused = await lab.kubectl(['apply', '-f', path]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('spec.addresses');
  });
});
