// The classic BPF program that packet sockets attach (SO_ATTACH_FILTER), so that the kernel hands
// user space only the frames layer-2 mode answers: ARP, and ICMPv6 Neighbor Solicitations and
// Advertisements.
#ifndef HERALD_NATIVE_PACKET_FILTER_H_
#define HERALD_NATIVE_PACKET_FILTER_H_

#include <linux/filter.h>

namespace herald {

// Accepts a frame, whole, when all of these hold; drops it otherwise:
// - it was not sent by this host (packet type is not PACKET_OUTGOING), so the socket never reads
//   back its own announcements;
// - it carried no VLAN tag that the driver moved out of the frame (such a frame belongs to the VLAN
//   device, which has sockets of its own; seen on the parent it would look untagged);
// - ethertype 0x0806 (ARP), or ethertype 0x86DD (IPv6) whose fixed header says next header 58
//   (ICMPv6) and whose ICMPv6 type is 135 (Neighbor Solicitation) or 136 (Neighbor
//   Advertisement). IPv6 extension headers are not walked, so a Neighbor Discovery message behind
//   one is dropped: the stacks on a segment send none there, RFC 6980 forbids fragmenting them, and
//   a header chain in front of NDP is a known way to slip past RA guards.
// Loads past the end of a short frame make the program drop it.
sock_fprog NeighborFilter();

}  // namespace herald

#endif  // HERALD_NATIVE_PACKET_FILTER_H_
