/**
 * Every NOTIFICATION error code and subcode with its English name, as the IANA "BGP Error
 * (Notification) Codes" and "Error Subcodes" registries list them (RFC 4271, 4486, 5492, 6608,
 * 7313, 8538, 9234, 9384, 9687). Deprecated values keep a name, so a peer that still sends one
 * is logged readably.
 */
interface CodeEntry {
  readonly name: string;
  readonly subcodes: ReadonlyMap<number, string>;
}

function entry(name: string, subcodes: readonly (readonly [number, string])[]): CodeEntry {
  return { name, subcodes: new Map(subcodes) };
}

export const NOTIFICATION_CODES: ReadonlyMap<number, CodeEntry> = new Map([
  [
    1,
    entry('Message Header Error', [
      [0, 'Unspecific'],
      [1, 'Connection Not Synchronized'],
      [2, 'Bad Message Length'],
      [3, 'Bad Message Type'],
    ]),
  ],
  [
    2,
    entry('OPEN Message Error', [
      [0, 'Unspecific'],
      [1, 'Unsupported Version Number'],
      [2, 'Bad Peer AS'],
      [3, 'Bad BGP Identifier'],
      [4, 'Unsupported Optional Parameter'],
      [5, 'Authentication Failure (deprecated)'],
      [6, 'Unacceptable Hold Time'],
      [7, 'Unsupported Capability'],
      [8, 'Deprecated'],
      [9, 'Deprecated'],
      [10, 'Deprecated'],
      [11, 'Role Mismatch'],
    ]),
  ],
  [
    3,
    entry('UPDATE Message Error', [
      [0, 'Unspecific'],
      [1, 'Malformed Attribute List'],
      [2, 'Unrecognized Well-known Attribute'],
      [3, 'Missing Well-known Attribute'],
      [4, 'Attribute Flags Error'],
      [5, 'Attribute Length Error'],
      [6, 'Invalid ORIGIN Attribute'],
      [7, 'AS Routing Loop (deprecated)'],
      [8, 'Invalid NEXT_HOP Attribute'],
      [9, 'Optional Attribute Error'],
      [10, 'Invalid Network Field'],
      [11, 'Malformed AS_PATH'],
    ]),
  ],
  [4, entry('Hold Timer Expired', [])],
  [
    5,
    entry('Finite State Machine Error', [
      [0, 'Unspecified Error'],
      [1, 'Receive Unexpected Message in OpenSent State'],
      [2, 'Receive Unexpected Message in OpenConfirm State'],
      [3, 'Receive Unexpected Message in Established State'],
    ]),
  ],
  [
    6,
    entry('Cease', [
      [1, 'Maximum Number of Prefixes Reached'],
      [2, 'Administrative Shutdown'],
      [3, 'Peer De-configured'],
      [4, 'Administrative Reset'],
      [5, 'Connection Rejected'],
      [6, 'Other Configuration Change'],
      [7, 'Connection Collision Resolution'],
      [8, 'Out of Resources'],
      [9, 'Hard Reset'],
      [10, 'BFD Down'],
    ]),
  ],
  [7, entry('ROUTE-REFRESH Message Error', [[1, 'Invalid Message Length']])],
  [8, entry('Send Hold Timer Expired', [])],
]);

/**
 * "Cease / Administrative Shutdown"; a code without subcodes and subcode 0 reads as the code
 * alone ("Hold Timer Expired"); values outside the registry are written as numbers.
 */
export function describeNotification(code: number, subcode: number): string {
  const known = NOTIFICATION_CODES.get(code);
  if (known === undefined) return `unknown error code ${code} / subcode ${subcode}`;
  const sub = known.subcodes.get(subcode);
  if (sub !== undefined) return `${known.name} / ${sub}`;
  if (subcode === 0) return known.name;
  return `${known.name} / unknown subcode ${subcode}`;
}
