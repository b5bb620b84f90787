import { expect } from 'chai';
import { parseCurlTransfers } from './curl-output.js';

describe("reading curl's transfers", () => {
  it('separates bodies from status and time, whatever the bodies hold', () => {
    const out = 'node1\x1e200 0.001234 0 \x1fline one\nline two\x1e404 0.5 0 \x1f';
    expect(parseCurlTransfers(out)).to.deep.equal([
      { status: 200, body: 'node1', elapsedMs: 1.234 },
      { status: 404, body: 'line one\nline two', elapsedMs: 500 },
    ]);
  });

  it('reports a failed transfer with status 0 and curl\'s message', () => {
    const out = '\x1e000 0.000412 7 Failed to connect to 198.51.100.20 port 80 after 0 ms: Couldn\'t connect to server\x1f';
    expect(parseCurlTransfers(out)).to.deep.equal([
      { status: 0, body: '', elapsedMs: 0.412, error: "Failed to connect to 198.51.100.20 port 80 after 0 ms: Couldn't connect to server" },
    ]);
  });

  it('refuses output whose write-out is missing', () => {
    expect(() => parseCurlTransfers('node1\x1f')).to.throw(/transfer 1 lacks its write-out/);
  });
});
