// AF_PACKET sockets for layer-2 mode: raw Ethernet frames on one interface, received through the
// JavaScript thread's event loop and sent as they are given.
#ifndef HERALD_NATIVE_PACKET_SOCKET_H_
#define HERALD_NATIVE_PACKET_SOCKET_H_

#include <napi.h>

namespace herald {

// { open(interfaceName, onFrame(frame, ifindex, packetType), onError(error)): socket }
// where socket is { ifindex, send(frame), addMembership(mac), dropMembership(mac), close() }.
Napi::Object PacketExports(Napi::Env env);

}  // namespace herald

#endif  // HERALD_NATIVE_PACKET_SOCKET_H_
