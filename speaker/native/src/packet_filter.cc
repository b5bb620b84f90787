#include "packet_filter.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <cstdint>

namespace herald {

namespace {

// Offsets in an Ethernet frame as AF_PACKET SOCK_RAW sees it: the 14-byte header first.
constexpr uint32_t kEthertypeOffset = 12;
constexpr uint32_t kIpv6NextHeaderOffset = ETH_HLEN + 6;
constexpr uint32_t kIcmpv6TypeOffset = ETH_HLEN + 40;
constexpr uint32_t kIcmpv6 = 58;
constexpr uint32_t kNeighborSolicitation = 135;
constexpr uint32_t kNeighborAdvertisement = 136;

// Instruction indexes of the two exits, which the jumps below count towards. A conditional jump's
// offsets are relative to the instruction after it.
constexpr uint8_t kAccept = 12;
constexpr uint8_t kDrop = 13;
constexpr uint8_t To(uint8_t target, uint8_t from) { return static_cast<uint8_t>(target - from - 1); }

sock_filter kProgram[] = {
    /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE)),
    /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, To(kDrop, 1), 0),
    /* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)),
    /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, To(kDrop, 3)),
    /* 4 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, kEthertypeOffset),
    /* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, To(kAccept, 5), 0),
    /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, To(kDrop, 6)),
    /* 7 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, kIpv6NextHeaderOffset),
    /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kIcmpv6, 0, To(kDrop, 8)),
    /* 9 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, kIcmpv6TypeOffset),
    /* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNeighborSolicitation, To(kAccept, 10), 0),
    /* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNeighborAdvertisement, 0, To(kDrop, 11)),
    /* 12: accept, as many bytes as the frame has */ BPF_STMT(BPF_RET | BPF_K, 0x40000),
    /* 13: drop */ BPF_STMT(BPF_RET | BPF_K, 0),
};

static_assert(sizeof kProgram / sizeof kProgram[0] == kDrop + 1, "the exits are the last two instructions");

}  // namespace

sock_fprog NeighborFilter() {
  return sock_fprog{static_cast<unsigned short>(sizeof kProgram / sizeof kProgram[0]), kProgram};
}

}  // namespace herald
