import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';

const MAIN = join(import.meta.dirname, '..', 'main.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, KUBECONFIG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('herald-controller process', () => {
  it('refuses a bad flag with exit code 2, naming the flag, and shows the usage', () => {
    const r = run(['--lease-duration', 'forever']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('herald-controller: --lease-duration: "forever" is not a duration');
    expect(r.stderr).to.contain('Usage: herald-controller');
  });

  it('prints the usage for --help and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^Usage: herald-controller/);
  });

  it('exits 1 with a JSON log line saying why when the kubeconfig cannot be read', () => {
    const r = run(['--kubeconfig', '/nonexistent/kubeconfig', '--metrics-addr', 'off']);
    expect(r.status).to.equal(1);
    const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { level?: string; message?: string };
    expect(line.level).to.equal('error');
    expect(line.message).to.match(/^cannot start: .*\/nonexistent\/kubeconfig/);
  });
});
