// Turning address text into the sockaddr a socket of a given domain expects.
#ifndef HERALD_NATIVE_INET_ADDRESS_H_
#define HERALD_NATIVE_INET_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace herald {

struct SocketAddress {
  sockaddr_storage storage;
  socklen_t length;
};

// Parses `text` as an address of `family` (4 or 6) and expresses it for a socket of `domain`
// (AF_INET or AF_INET6): IPv4 on an AF_INET6 socket becomes the IPv4-mapped address
// ::ffff:a.b.c.d, and an IPv4-mapped address on an AF_INET socket becomes plain IPv4.
// On failure returns false and says why in `problem`.
bool ParseSocketAddress(const std::string& text, int family, int domain, uint16_t port,
                        SocketAddress* out, std::string* problem);

}  // namespace herald

#endif  // HERALD_NATIVE_INET_ADDRESS_H_
