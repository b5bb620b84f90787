import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { createLogger, parseLogLevel } from './logger.js';

function capture(): { stream: PassThrough; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('JSON logs', () => {
  it('writes one JSON object per line with the component, message and the fields an operator follows', async () => {
    const out = capture();
    const log = createLogger({ component: 'controller', stream: out.stream });
    log.info('address allocated', { service: 'default/web', pool: 'blue', ip: '198.51.100.7' });
    await new Promise((r) => setImmediate(r));
    const [line] = out.lines();
    expect(line).to.include({ level: 'info', component: 'controller', message: 'address allocated', service: 'default/web', pool: 'blue', ip: '198.51.100.7' });
    expect(line?.ts).to.be.a('string');
  });

  it('children carry their fields on every line', async () => {
    const out = capture();
    const log = createLogger({ component: 'speaker', stream: out.stream }).child({ node: 'node1', peer: '198.18.0.1' });
    log.warn('hold timer expired');
    await new Promise((r) => setImmediate(r));
    expect(out.lines()[0]).to.include({ node: 'node1', peer: '198.18.0.1', level: 'warn' });
  });

  it('drops lines below the level', async () => {
    const out = capture();
    const log = createLogger({ component: 'x', level: 'warn', stream: out.stream });
    log.info('quiet');
    log.error('loud');
    await new Promise((r) => setImmediate(r));
    expect(out.lines().map((l) => l.message)).to.deep.equal(['loud']);
  });

  it('accepts only the known level names', () => {
    expect(parseLogLevel('debug')).to.equal('debug');
    expect(parseLogLevel('verbose')).to.equal(undefined);
  });
});
