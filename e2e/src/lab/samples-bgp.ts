// Output captured from GoBGP 3.10.0, FRR 8.4.4, BIRD 2.0.12 and iproute2 6.1 in lab runs with
// GoBGP nodes sending link bandwidth (node1 1 Mbit/s, node2 3 Mbit/s), for the parsers' tests.

/** `gobgp -j global rib -a ipv4 198.51.100.7/32` on the GoBGP router: node1's path (best) with link bandwidth and a route target, node2's without. */
export const GOBGP_ROUTE_ECMP = String.raw`{"198.51.100.7/32":[{"nlri":{"prefix":"198.51.100.7/32"},"age":1795555790,"best":true,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":3,"nexthop":"198.18.89.11"},{"type":4,"metric":5},{"type":8,"communities":[4227072001]},{"type":16,"value":[{"type":64,"subtype":4,"asn":64512,"bandwidth":125000},{"type":0,"subtype":2,"value":"64512:7"}]},{"type":32,"value":[{"ASN":64500,"LocalData1":1,"LocalData2":2}]}],"stale":false,"source-id":"198.18.89.11","neighbor-ip":"198.18.89.11"},{"nlri":{"prefix":"198.51.100.7/32"},"age":1795555790,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":3,"nexthop":"198.18.89.12"},{"type":4,"metric":5},{"type":8,"communities":[4227072001]},{"type":32,"value":[{"ASN":64500,"LocalData1":1,"LocalData2":2}]}],"stale":false,"source-id":"198.18.89.12","neighbor-ip":"198.18.89.12"}]}
`;

/** `gobgp -j global rib -a ipv6 2001:db8::7/128` on the GoBGP router. */
export const GOBGP_ROUTE6_ECMP = String.raw`{"2001:db8::7/128":[{"nlri":{"prefix":"2001:db8::7/128"},"age":1795555790,"best":true,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":16,"value":[{"type":64,"subtype":4,"asn":64512,"bandwidth":125000},{"type":0,"subtype":2,"value":"64512:7"}]},{"type":14,"nexthop":"fd59:18::11","afi":2,"safi":1,"value":[{"prefix":"2001:db8::7/128"}]}],"stale":false,"source-id":"198.18.89.11","neighbor-ip":"fd59:18::11"},{"nlri":{"prefix":"2001:db8::7/128"},"age":1795555790,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":14,"nexthop":"fd59:18::12","afi":2,"safi":1,"value":[{"prefix":"2001:db8::7/128"}]}],"stale":false,"source-id":"198.18.89.12","neighbor-ip":"fd59:18::12"}]}
`;

/** `gobgp -j global rib -a ipv4 <prefix>` on a GoBGP node for an iBGP route with LOCAL_PREF, as the node holds it. */
export const GOBGP_ROUTE_LOCAL_PREF = String.raw`{"198.51.100.8/32":[{"nlri":{"prefix":"198.51.100.8/32"},"age":1795555709,"best":true,"attrs":[{"type":1,"value":0},{"type":5,"value":250},{"type":8,"communities":[4227072001]},{"type":3,"nexthop":"0.0.0.0"}],"stale":false}]}
`;

/** The GoBGP router's answer for a prefix it does not hold. */
export const GOBGP_ROUTE_NONE = '{}\n';

/**
 * `gobgp -j neighbor` on the GoBGP router, two of its four neighbours: node2 over IPv6 (TCP MD5,
 * hold 9 s) and node1 over IPv4, one route each; capabilities left out.
 */
export const GOBGP_NEIGHBORS = String.raw`[{"apply_policy":{"export_policy":{"direction":2},"import_policy":{"direction":1}},"conf":{"auth_password":"k3y","description":"node2","local_asn":64500,"neighbor_address":"fd59:18::12","peer_asn":64512,"type":1},"ebgp_multihop":{},"route_reflector":{},"state":{"messages":{"received":{"update":1,"open":1,"keepalive":1,"total":3},"sent":{"open":1,"keepalive":1,"total":2}},"neighbor_address":"fd59:18::12","peer_asn":64512,"type":1,"queues":{},"session_state":6,"router_id":"198.18.89.12"},"timers":{"config":{"connect_retry":1,"hold_time":9,"keepalive_interval":3,"idle_hold_time_after_reset":30},"state":{"keepalive_interval":3,"negotiated_hold_time":9,"uptime":{"seconds":1795555789},"downtime":{"seconds":1795555789}}},"transport":{"local_address":"fd59:18::1"},"route_server":{},"graceful_restart":{"enabled":true,"restart_time":9,"helper_only":true,"deferral_time":360},"afi_safis":[{"mp_graceful_restart":{"config":{"enabled":true},"state":{"enabled":true}},"config":{"family":{"afi":2,"safi":1},"enabled":true},"state":{"family":{"afi":2,"safi":1},"enabled":true,"received":1,"accepted":1},"apply_policy":{"export_policy":{"direction":2},"import_policy":{"direction":1}},"route_selection_options":{"config":{}},"use_multiple_paths":{"config":{},"ebgp":{"config":{}},"ibgp":{"config":{}}},"route_target_membership":{"config":{}},"long_lived_graceful_restart":{"config":{}},"add_paths":{"config":{}}}],"ttl_security":{}},{"apply_policy":{"export_policy":{"direction":2},"import_policy":{"direction":1}},"conf":{"description":"node1","local_asn":64500,"neighbor_address":"198.18.89.11","peer_asn":64512,"type":1},"ebgp_multihop":{},"route_reflector":{},"state":{"messages":{"received":{"update":1,"open":1,"keepalive":1,"total":3},"sent":{"open":1,"keepalive":1,"total":2}},"neighbor_address":"198.18.89.11","peer_asn":64512,"type":1,"queues":{},"session_state":6,"router_id":"198.18.89.11"},"timers":{"config":{"connect_retry":1,"hold_time":90,"keepalive_interval":30,"idle_hold_time_after_reset":30},"state":{"keepalive_interval":30,"negotiated_hold_time":90,"uptime":{"seconds":1795555789},"downtime":{"seconds":1795555789}}},"transport":{"local_address":"198.18.89.1"},"route_server":{},"graceful_restart":{"enabled":true,"restart_time":90,"helper_only":true,"deferral_time":360},"afi_safis":[{"mp_graceful_restart":{"config":{"enabled":true},"state":{"enabled":true}},"config":{"family":{"afi":1,"safi":1},"enabled":true},"state":{"family":{"afi":1,"safi":1},"enabled":true,"received":1,"accepted":1},"apply_policy":{"export_policy":{"direction":2},"import_policy":{"direction":1}},"route_selection_options":{"config":{}},"use_multiple_paths":{"config":{},"ebgp":{"config":{}},"ibgp":{"config":{}}},"route_target_membership":{"config":{}},"long_lived_graceful_restart":{"config":{}},"add_paths":{"config":{}}}],"ttl_security":{}}]
`;

/** `gobgp -j neighbor` on a GoBGP node whose session is configured admin-down (idle, nothing counted yet). */
export const GOBGP_NEIGHBOR_IDLE = String.raw`[{"apply_policy":{"export_policy":{"direction":2},"import_policy":{"direction":1}},"conf":{"local_asn":64512,"neighbor_address":"198.18.162.1","peer_asn":64500,"type":1,"admin_down":true},"ebgp_multihop":{},"route_reflector":{},"state":{"messages":{"received":{},"sent":{}},"neighbor_address":"198.18.162.1","peer_asn":64500,"type":1,"queues":{},"session_state":1,"admin_state":1,"local_cap":[{"type_url":"type.googleapis.com/apipb.RouteRefreshCapability"},{"type_url":"type.googleapis.com/apipb.FqdnCapability","value":"CgJ2bQ=="},{"type_url":"type.googleapis.com/apipb.MultiProtocolCapability","value":"CgQIARAB"},{"type_url":"type.googleapis.com/apipb.FourOctetASNCapability","value":"CID4Aw=="},{"type_url":"type.googleapis.com/apipb.ExtendedNexthopCapability","value":"CgwKBAgBEAESBAgCEAE="}]},"timers":{"config":{"connect_retry":1,"hold_time":90,"keepalive_interval":30,"idle_hold_time_after_reset":30},"state":{"downtime":{"seconds":1795556492}}},"transport":{"local_address":"0.0.0.0"},"route_server":{},"graceful_restart":{},"afi_safis":[{"mp_graceful_restart":{"config":{},"state":{}},"config":{"family":{"afi":1,"safi":1},"enabled":true},"state":{"family":{"afi":1,"safi":1},"enabled":true},"apply_policy":{"export_policy":{"direction":2},"import_policy":{"direction":1}},"route_selection_options":{"config":{}},"use_multiple_paths":{"config":{},"ebgp":{"config":{}},"ibgp":{"config":{}}},"route_target_membership":{"config":{}},"long_lived_graceful_restart":{"config":{}},"add_paths":{"config":{}}}],"ttl_security":{}}]
`;

/**
 * `gobgp monitor global rib -j` on the GoBGP router (use-multiple-paths on), one line per event:
 * node2 then node1 announce 198.51.100.7/32, both announce 2001:db8::7/128, node1 withdraws
 * 198.51.100.7/32, then node1 and node2 withdraw 2001:db8::7/128 (the last withdrawal).
 */
export const GOBGP_MONITOR_LINES = [
  String.raw`[{"nlri":{"prefix":"198.51.100.7/32"},"age":1795555551,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":3,"nexthop":"10.99.0.3"}],"stale":false,"source-id":"10.99.0.3","neighbor-ip":"10.99.0.3"},{"nlri":{"prefix":"198.51.100.7/32"},"age":1795555561,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":3,"nexthop":"10.99.0.2"}],"stale":false,"source-id":"10.99.0.2","neighbor-ip":"10.99.0.2"}]`,
  String.raw`[{"nlri":{"prefix":"2001:db8::7/128"},"age":1795555553,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":14,"nexthop":"fd99::3","afi":2,"safi":1,"value":[{"prefix":"2001:db8::7/128"}]}],"stale":false,"source-id":"10.99.0.3","neighbor-ip":"fd99::3"},{"nlri":{"prefix":"2001:db8::7/128"},"age":1795555561,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":14,"nexthop":"fd99::2","afi":2,"safi":1,"value":[{"prefix":"2001:db8::7/128"}]}],"stale":false,"source-id":"10.99.0.2","neighbor-ip":"fd99::2"}]`,
  String.raw`[{"nlri":{"prefix":"198.51.100.7/32"},"age":1795555551,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":3,"nexthop":"10.99.0.3"}],"stale":false,"source-id":"10.99.0.3","neighbor-ip":"10.99.0.3"}]`,
  String.raw`[{"nlri":{"prefix":"2001:db8::7/128"},"age":1795555561,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":14,"nexthop":"fd99::2","afi":2,"safi":1,"value":[{"prefix":"2001:db8::7/128"}]}],"stale":false,"source-id":"10.99.0.2","neighbor-ip":"fd99::2"}]`,
  String.raw`[{"nlri":{"prefix":"2001:db8::7/128"},"age":1795555561,"best":false,"attrs":[{"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[64512]}]},{"type":14,"nexthop":"fd99::2","afi":2,"safi":1,"value":[{"prefix":"2001:db8::7/128"}]}],"stale":false,"withdrawal":true,"source-id":"10.99.0.2","neighbor-ip":"fd99::2"}]`,
];

/** `show bgp ipv4 unicast 198.51.100.7/32 json` on FRR: both nodes' paths with link bandwidth. */
export const FRR_ROUTE_LINK_BANDWIDTH = String.raw`{
  "prefix":"198.51.100.7/32",
  "version":2,
  "paths":[
    {
      "aspath":{ "string":"64512", "segments":[ { "type":"as-sequence", "list":[ 64512 ] } ], "length":1 },
      "origin":"IGP",
      "valid":true,
      "version":2,
      "multipath":true,
      "extendedCommunity":{ "string":"LB:64512:375000 (3.000 Mbps)" },
      "lastUpdate":{ "epoch":1795555620, "string":"Tue Nov 24 21:27:00 2026\n" },
      "nexthops":[ { "ip":"198.18.231.12", "hostname":"vm", "afi":"ipv4", "metric":0, "accessible":true, "used":true } ],
      "peer":{ "peerId":"198.18.231.12", "routerId":"198.18.231.12", "hostname":"vm", "type":"external" }
    },
    {
      "aspath":{ "string":"64512", "segments":[ { "type":"as-sequence", "list":[ 64512 ] } ], "length":1 },
      "origin":"IGP",
      "valid":true,
      "version":2,
      "multipath":true,
      "bestpath":{ "overall":true, "selectionReason":"Older Path" },
      "extendedCommunity":{ "string":"LB:64512:125000 (1.000 Mbps)" },
      "lastUpdate":{ "epoch":1795555619, "string":"Tue Nov 24 21:26:59 2026\n" },
      "nexthops":[ { "ip":"198.18.231.11", "hostname":"vm", "afi":"ipv4", "metric":0, "accessible":true, "used":true } ],
      "peer":{ "peerId":"198.18.231.11", "routerId":"198.18.231.11", "hostname":"vm", "type":"external" }
    }
  ]
}
`;

/** `show ip route 198.51.100.7/32 json` on FRR's zebra for the same route: weights 25 and 75. */
export const FRR_RIB_WEIGHTED = String.raw`{
  "198.51.100.7/32":[
    {
      "prefix":"198.51.100.7/32", "prefixLen":32, "protocol":"bgp", "vrfId":0, "vrfName":"default",
      "selected":true, "destSelected":true, "distance":20, "metric":0, "installed":true, "table":254,
      "internalStatus":16, "internalFlags":8, "internalNextHopNum":2, "internalNextHopActiveNum":2,
      "nexthopGroupId":15, "installedNexthopGroupId":15, "uptime":"00:00:00",
      "nexthops":[
        { "flags":3, "fib":true, "ip":"198.18.231.11", "afi":"ipv4", "interfaceIndex":2, "interfaceName":"eth0", "active":true, "weight":25 },
        { "flags":3, "fib":true, "ip":"198.18.231.12", "afi":"ipv4", "interfaceIndex":2, "interfaceName":"eth0", "active":true, "weight":75 }
      ]
    }
  ]
}
`;

/** `ip -j route show exact 198.51.100.7/32` in the router namespace for the same route. */
export const KERNEL_ROUTE_WEIGHTED = String.raw`[{"dst":"198.51.100.7","nhid":15,"protocol":"bgp","metric":20,"flags":[],"nexthops":[{"gateway":"198.18.231.11","dev":"eth0","weight":25,"flags":[]},{"gateway":"198.18.231.12","dev":"eth0","weight":75,"flags":[]}]}]
`;

/** `ip -j route show exact 198.51.100.7/32` with one next hop, as the GoBGP FIB agent installs it. */
export const KERNEL_ROUTE_SINGLE = String.raw`[{"dst":"198.51.100.7","gateway":"198.18.162.11","dev":"eth0","protocol":"bgp","metric":20,"flags":[]}]
`;

/** `show bgp ipv4 unicast summary json` on FRR, one neighbour with one route. */
export const FRR_SUMMARY = String.raw`{
  "routerId":"198.18.216.1", "as":64500, "vrfId":0, "vrfName":"default", "tableVersion":1, "ribCount":1,
  "ribMemory":192, "peerCount":1, "peerMemory":741464,
  "peers":{
    "198.18.216.11":{
      "hostname":"vm", "remoteAs":64512, "localAs":64500, "version":4, "msgRcvd":3, "msgSent":2,
      "tableVersion":0, "outq":0, "inq":0, "peerUptime":"00:00:00", "peerUptimeMsec":0,
      "peerUptimeEstablishedEpoch":1795555948, "pfxRcd":1, "pfxSnt":0, "state":"Established",
      "peerState":"OK", "connectionsEstablished":1, "connectionsDropped":0, "desc":"node1", "idType":"ipv4"
    }
  },
  "failedPeers":0, "displayedPeers":1, "totalPeers":1, "dynamicPeers":0, "bestPath":{ "multiPathRelax":"false" }
}
`;

/** `birdc show route 198.51.100.7/32 all`: node1's route with link bandwidth (1 Mbit/s) and a route target. */
export const BIRD_ROUTE_LINK_BANDWIDTH = String.raw`BIRD 2.0.12 ready.
Table master4:
198.51.100.7/32      unicast [node1_v4 21:28:29.169] * (100) [AS64512i]
	via 198.18.56.11 on eth0
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 64512
	BGP.next_hop: 198.18.56.11
	BGP.med: 5
	BGP.local_pref: 100
	BGP.community: (64500,1)
	BGP.ext_community: (unknown 0x4004, 64512, 1207182336) (rt, 64512, 7)
	BGP.large_community: (64500, 1, 2)
`;
