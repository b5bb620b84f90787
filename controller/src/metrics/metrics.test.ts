import { expect } from 'chai';
import { ControllerMetrics } from './metrics.js';

describe('controller metrics', () => {
  it('starts as a standby with a fresh configuration', async () => {
    const text = await new ControllerMetrics({ processMetrics: false }).registry.metrics();
    expect(text).to.match(/^herald_controller_leader 0$/m);
    expect(text).to.match(/^herald_controller_config_stale 0$/m);
    expect(text).to.match(/^herald_controller_peak_resident_memory_bytes [1-9]\d*$/m);
  });

  it('shows each pool per family and state, and forgets a pool that is gone', async () => {
    const m = new ControllerMetrics({ processMetrics: false });
    m.setPools([
      { pool: 'blue', assignedIPv4: 2n, availableIPv4: 12n, assignedIPv6: 1n, availableIPv6: 99n },
      { pool: 'green', assignedIPv4: 0n, availableIPv4: 1n, assignedIPv6: 0n, availableIPv6: 0n },
    ]);
    let text = await m.registry.metrics();
    expect(text).to.contain('herald_controller_pool_addresses{pool="blue",family="IPv4",state="assigned"} 2');
    expect(text).to.contain('herald_controller_pool_addresses{pool="blue",family="IPv6",state="available"} 99');
    m.setPools([{ pool: 'blue', assignedIPv4: 3n, availableIPv4: 11n, assignedIPv6: 1n, availableIPv6: 99n }]);
    text = await m.registry.metrics();
    expect(text).to.contain('herald_controller_pool_addresses{pool="blue",family="IPv4",state="assigned"} 3');
    expect(text).not.to.contain('pool="green"');
  });
});
