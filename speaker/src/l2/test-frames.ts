// Frames Linux 6.18 sent between two network namespaces joined by a veth pair, as
// `tcpdump -xx -e -i veth0 'arp or icmp6'` printed them in the second namespace: test fixtures that
// pin the encoders to what the kernel itself puts on the wire.
//
// Namespace A: veth0 02:00:5e:10:00:01, 198.19.1.1/24, 2001:db8::1/64 (nodad), arp_notify=1,
// ndisc_notify=1. Namespace B: veth0 02:00:5e:10:00:02, 198.19.1.2/24, 2001:db8::2/64 (nodad).
// A pinged B over both families, then A's veth0 went down and up.

export const MAC_A = '02:00:5e:10:00:01';
export const MAC_B = '02:00:5e:10:00:02';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

/** A asks who has 198.19.1.2 (ping to B). */
export const ARP_REQUEST_A_FOR_B = hex('ffffffffffff02005e1000010806000108000604000102005e100001c6130101000000000000c6130102');

/** B's kernel answers it. */
export const ARP_REPLY_B_TO_A = hex('02005e10000102005e1000020806000108000604000202005e100002c613010202005e100001c6130101');

/** A's kernel announces 198.19.1.1 as its link comes up (arp_notify). */
export const ARP_ANNOUNCEMENT_A = hex('ffffffffffff02005e1000010806000108000604000102005e100001c6130101000000000000c6130101');

/** A solicits 2001:db8::2 from 2001:db8::1 (ping -6 to B), with its source link-layer address. */
export const NS_A_FOR_B = hex(
  '3333ff00000202005e10000186dd6000000000203aff20010db8000000000000000000000001ff0200000000000000000001ff000002' +
    '8700be160000000020010db8000000000000000000000002010102005e100001',
);

/** B's kernel answers: Solicited and Override, target link-layer address, from the target address. */
export const NA_B_TO_A = hex(
  '02005e10000102005e10000286dd6000000000203aff20010db800000000000000000000000220010db8000000000000000000000001' +
    '88002c616000000020010db8000000000000000000000002020102005e100002',
);

/** A's kernel advertises its link-local address to all nodes as its link comes up (ndisc_notify). */
export const UNSOLICITED_NA_A = hex(
  '33330000000102005e10000186dd6000000000203afffe8000000000000000005efffe100001ff020000000000000000000000000001' +
    '88003f6a20000000fe8000000000000000005efffe100001020102005e100001',
);

/** A's duplicate address detection for its link-local address: from ::, with a nonce option (type 14). */
export const DAD_NS_A = hex(
  '3333ff10000102005e10000186dd6000000000203aff00000000000000000000000000000000ff0200000000000000000001ff100001' +
    '87000ad400000000fe8000000000000000005efffe1000010e013e4df69bd13e',
);

/** A Router Solicitation: ICMPv6, but not Neighbor Discovery's solicitation or advertisement. */
export const ROUTER_SOLICITATION_A = hex(
  '33330000000202005e10000186dd6000000000103afffe8000000000000000005efffe100001ff020000000000000000000000000002' +
    '8500bf0b00000000010102005e100001',
);

/** An ICMPv6 echo request, for what the filter and decoder must pass over. */
export const ECHO_REQUEST_A_TO_B = hex(
  '02005e10000202005e10000186dd600af4f000403a4020010db800000000000000000000000120010db8000000000000000000000002' +
    '80006d3b258f00015104066b000000007302080000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);
