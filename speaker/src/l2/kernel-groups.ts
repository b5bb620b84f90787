// IPv6 multicast groups joined in the kernel, on one interface, so that it sends MLD reports for
// them. A packet socket's own membership opens the interface's filter to a group but tells no
// one: a switch that snoops MLD would then never forward solicitations for a service address to
// this node. Joining through a UDP socket makes the kernel report the group like any listener's.

import { type Socket, createSocket } from 'node:dgram';

export interface KernelGroups {
  /** Joins `group` (IPv6 text) on the interface; throws with the interface and group named. */
  join(group: string): void;
  leave(group: string): void;
  /** Leaves every group at once; idempotent. */
  close(): void;
}

/**
 * Groups on `interfaceName` through a UDP socket opened at the first join. Binding it (an
 * ephemeral port, which nothing sends to) is what the kernel needs for a membership; the socket
 * receives nothing Herald reads. It does not keep the process alive.
 */
export function openKernelGroups(interfaceName: string, onError: (error: Error) => void): KernelGroups {
  let socket: Socket | undefined;
  const scope = `::%${interfaceName}`;
  const call = (what: string, group: string, action: (s: Socket) => void): void => {
    if (socket === undefined) {
      socket = createSocket({ type: 'udp6' });
      socket.on('error', (e) => onError(new Error(`MLD group socket on ${interfaceName}: ${e.message}`, { cause: e })));
      socket.unref();
    }
    try {
      action(socket);
    } catch (e) {
      const cause = e as NodeJS.ErrnoException;
      const error: NodeJS.ErrnoException = new Error(`${what} IPv6 group ${group} on ${interfaceName} in the kernel: ${cause.message}`, { cause });
      if (cause.code !== undefined) error.code = cause.code;
      throw error;
    }
  };
  return {
    join: (group) => call('join', group, (s) => s.addMembership(group, scope)),
    leave: (group) => call('leave', group, (s) => s.dropMembership(group, scope)),
    close: () => {
      socket?.close();
      socket = undefined;
    },
  };
}
