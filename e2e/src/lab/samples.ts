// Output captured from FRR 8.4.4, BIRD 2.0.12 and iproute2 6.1 in lab runs, for the parsers' tests.

// Two GoBGP nodes announced 198.51.100.7/32 (MED 10, communities 64500:100 64500:200, large
// community 64500:1:2) and 2001:db8::7/128.


/** `show bgp neighbors json`, node1 over IPv4 and IPv6, each with one route (two of the four neighbours kept). */
export const FRR_NEIGHBORS_ESTABLISHED = String.raw`{
  "198.18.247.11": {
    "remoteAs": 64512,
    "localAs": 64500,
    "nbrExternalLink": true,
    "localRole": "undefined",
    "remoteRole": "undefined",
    "nbrDesc": "node1",
    "hostname": "vm",
    "bgpVersion": 4,
    "remoteRouterId": "198.18.247.11",
    "localRouterId": "198.18.247.1",
    "bgpState": "Established",
    "bgpTimerUpMsec": 0,
    "bgpTimerUpString": "00:00:00",
    "bgpTimerUpEstablishedEpoch": 1795548962,
    "bgpTimerLastRead": 0,
    "bgpTimerLastWrite": 0,
    "bgpInUpdateElapsedTimeMsecs": 0,
    "bgpTimerConfiguredHoldTimeMsecs": 180000,
    "bgpTimerConfiguredKeepAliveIntervalMsecs": 60000,
    "bgpTimerHoldTimeMsecs": 90000,
    "bgpTimerKeepAliveIntervalMsecs": 30000,
    "extendedOptionalParametersLength": false,
    "bgpTimerConfiguredConditionalAdvertisementsSec": 60,
    "neighborCapabilities": {
      "4byteAs": "advertisedAndReceived",
      "extendedMessage": "advertised",
      "addPath": {
        "ipv4Unicast": {
          "rxAdvertised": true
        }
      },
      "extendedNexthop": "received",
      "extendedNexthopFamililesByPeer": {
        "ipv4Unicast": "recieved"
      },
      "longLivedGracefulRestart": "advertised",
      "routeRefresh": "advertisedAndReceivedNew",
      "enhancedRouteRefresh": "advertised",
      "multiprotocolExtensions": {
        "ipv4Unicast": {
          "advertisedAndReceived": true
        }
      },
      "hostName": {
        "advHostName": "hlde7b52-router",
        "advDomainName": "n/a",
        "rcvHostName": "vm",
        "rcvDomainName": "n/a"
      },
      "gracefulRestartCapability": "advertised"
    },
    "gracefulRestartInfo": {
      "endOfRibSend": {},
      "endOfRibRecv": {},
      "localGrMode": "Helper*",
      "remoteGrMode": "Disable",
      "rBit": false,
      "nBit": false,
      "timers": {
        "configuredRestartTimer": 120,
        "receivedRestartTimer": 0
      }
    },
    "messageStats": {
      "depthInq": 0,
      "depthOutq": 0,
      "opensSent": 1,
      "opensRecv": 1,
      "notificationsSent": 0,
      "notificationsRecv": 0,
      "updatesSent": 0,
      "updatesRecv": 1,
      "keepalivesSent": 1,
      "keepalivesRecv": 1,
      "routeRefreshSent": 0,
      "routeRefreshRecv": 0,
      "capabilitySent": 0,
      "capabilityRecv": 0,
      "totalSent": 2,
      "totalRecv": 3
    },
    "minBtwnAdvertisementRunsTimerMsecs": 0,
    "addressFamilyInfo": {
      "ipv4Unicast": {
        "updateGroupId": 1,
        "subGroupId": 1,
        "packetQueueLength": 0,
        "commAttriSentToNbr": "extendedAndStandard",
        "outboundPathPolicyConfig": true,
        "routeMapForOutgoingAdvertisements": "LAB-EXPORT-NONE",
        "acceptedPrefixCounter": 1,
        "sentPrefixCounter": 0
      }
    },
    "connectionsEstablished": 1,
    "connectionsDropped": 0,
    "lastResetTimerMsecs": 1000,
    "lastResetDueTo": "Waiting for peer OPEN",
    "lastResetCode": 32,
    "externalBgpNbrMaxHopsAway": 1,
    "hostLocal": "198.18.247.1",
    "portLocal": 40688,
    "hostForeign": "198.18.247.11",
    "portForeign": 179,
    "nexthop": "198.18.247.1",
    "nexthopGlobal": "fdf7:18::1",
    "nexthopLocal": "fe80::48:4cff:fef7:1",
    "bgpConnection": "sharedNetwork",
    "connectRetryTimer": 1,
    "readThread": "on",
    "writeThread": "on"
  },
  "fdf7:18::11": {
    "remoteAs": 64512,
    "localAs": 64500,
    "nbrExternalLink": true,
    "localRole": "undefined",
    "remoteRole": "undefined",
    "nbrDesc": "node1",
    "hostname": "vm",
    "bgpVersion": 4,
    "remoteRouterId": "198.18.247.11",
    "localRouterId": "198.18.247.1",
    "bgpState": "Established",
    "bgpTimerUpMsec": 0,
    "bgpTimerUpString": "00:00:00",
    "bgpTimerUpEstablishedEpoch": 1795548962,
    "bgpTimerLastRead": 0,
    "bgpTimerLastWrite": 0,
    "bgpInUpdateElapsedTimeMsecs": 0,
    "bgpTimerConfiguredHoldTimeMsecs": 180000,
    "bgpTimerConfiguredKeepAliveIntervalMsecs": 60000,
    "bgpTimerHoldTimeMsecs": 90000,
    "bgpTimerKeepAliveIntervalMsecs": 30000,
    "extendedOptionalParametersLength": false,
    "bgpTimerConfiguredConditionalAdvertisementsSec": 60,
    "neighborCapabilities": {
      "4byteAs": "advertisedAndReceived",
      "extendedMessage": "advertised",
      "addPath": {
        "ipv6Unicast": {
          "rxAdvertised": true
        }
      },
      "longLivedGracefulRestart": "advertised",
      "routeRefresh": "advertisedAndReceivedNew",
      "enhancedRouteRefresh": "advertised",
      "multiprotocolExtensions": {
        "ipv6Unicast": {
          "advertisedAndReceived": true
        }
      },
      "hostName": {
        "advHostName": "hlde7b52-router",
        "advDomainName": "n/a",
        "rcvHostName": "vm",
        "rcvDomainName": "n/a"
      },
      "gracefulRestartCapability": "advertised"
    },
    "gracefulRestartInfo": {
      "endOfRibSend": {},
      "endOfRibRecv": {},
      "localGrMode": "Helper*",
      "remoteGrMode": "Disable",
      "rBit": false,
      "nBit": false,
      "timers": {
        "configuredRestartTimer": 120,
        "receivedRestartTimer": 0
      }
    },
    "messageStats": {
      "depthInq": 0,
      "depthOutq": 0,
      "opensSent": 1,
      "opensRecv": 1,
      "notificationsSent": 0,
      "notificationsRecv": 0,
      "updatesSent": 0,
      "updatesRecv": 1,
      "keepalivesSent": 1,
      "keepalivesRecv": 1,
      "routeRefreshSent": 0,
      "routeRefreshRecv": 0,
      "capabilitySent": 0,
      "capabilityRecv": 0,
      "totalSent": 2,
      "totalRecv": 3
    },
    "minBtwnAdvertisementRunsTimerMsecs": 0,
    "addressFamilyInfo": {
      "ipv6Unicast": {
        "updateGroupId": 2,
        "subGroupId": 2,
        "packetQueueLength": 0,
        "commAttriSentToNbr": "extendedAndStandard",
        "outboundPathPolicyConfig": true,
        "routeMapForOutgoingAdvertisements": "LAB-EXPORT-NONE",
        "acceptedPrefixCounter": 1,
        "sentPrefixCounter": 0
      }
    },
    "connectionsEstablished": 1,
    "connectionsDropped": 0,
    "lastResetTimerMsecs": 1000,
    "lastResetDueTo": "Waiting for peer OPEN",
    "lastResetCode": 32,
    "externalBgpNbrMaxHopsAway": 1,
    "hostLocal": "fdf7:18::1",
    "portLocal": 52104,
    "hostForeign": "fdf7:18::11",
    "portForeign": 179,
    "nexthop": "198.18.247.1",
    "nexthopGlobal": "fdf7:18::1",
    "nexthopLocal": "fe80::48:4cff:fef7:1",
    "bgpConnection": "sharedNetwork",
    "connectRetryTimer": 1,
    "readThread": "on",
    "writeThread": "on"
  }
}`;

/** `show bgp neighbors json` before any speaker runs (password, timers and BFD configured). */
export const FRR_NEIGHBORS_CONNECT = String.raw`{
  "198.18.165.11": {
    "remoteAs": 64512,
    "localAs": 64500,
    "nbrExternalLink": true,
    "localRole": "undefined",
    "remoteRole": "undefined",
    "nbrDesc": "node1",
    "bgpVersion": 4,
    "remoteRouterId": "0.0.0.0",
    "localRouterId": "198.18.165.1",
    "bgpState": "Connect",
    "bgpTimerLastRead": 1000,
    "bgpTimerLastWrite": 1786000,
    "bgpInUpdateElapsedTimeMsecs": 1786000,
    "bgpTimerConfiguredHoldTimeMsecs": 9000,
    "bgpTimerConfiguredKeepAliveIntervalMsecs": 3000,
    "bgpTimerHoldTimeMsecs": 9000,
    "bgpTimerKeepAliveIntervalMsecs": 3000,
    "extendedOptionalParametersLength": false,
    "bgpTimerConfiguredConditionalAdvertisementsSec": 60,
    "gracefulRestartInfo": {
      "endOfRibSend": {},
      "endOfRibRecv": {},
      "localGrMode": "Helper*",
      "remoteGrMode": "NotApplicable",
      "rBit": false,
      "nBit": false,
      "timers": {
        "configuredRestartTimer": 120,
        "receivedRestartTimer": 0
      }
    },
    "messageStats": {
      "depthInq": 0,
      "depthOutq": 0,
      "opensSent": 0,
      "opensRecv": 0,
      "notificationsSent": 0,
      "notificationsRecv": 0,
      "updatesSent": 0,
      "updatesRecv": 0,
      "keepalivesSent": 0,
      "keepalivesRecv": 0,
      "routeRefreshSent": 0,
      "routeRefreshRecv": 0,
      "capabilitySent": 0,
      "capabilityRecv": 0,
      "totalSent": 0,
      "totalRecv": 0
    },
    "minBtwnAdvertisementRunsTimerMsecs": 0,
    "addressFamilyInfo": {
      "ipv4Unicast": {
        "commAttriSentToNbr": "extendedAndStandard",
        "outboundPathPolicyConfig": true,
        "routeMapForOutgoingAdvertisements": "LAB-EXPORT-NONE",
        "acceptedPrefixCounter": 0
      }
    },
    "connectionsEstablished": 0,
    "connectionsDropped": 0,
    "lastResetTimerMsecs": 1000,
    "lastResetDueTo": "Waiting for peer OPEN",
    "lastResetCode": 32,
    "externalBgpNbrMaxHopsAway": 1,
    "hostLocal": "Unknown",
    "portLocal": -1,
    "hostForeign": "Unknown",
    "portForeign": -1,
    "connectRetryTimer": 1,
    "nextConnectTimerDueInMsecs": 0,
    "authenticationEnabled": 1,
    "readThread": "off",
    "writeThread": "off",
    "peerBfdInfo": {
      "type": "single hop",
      "detectMultiplier": 3,
      "rxMinInterval": 300,
      "txMinInterval": 300,
      "status": "Down",
      "lastUpdate": "0:00:00:01"
    }
  },
  "fda5:18::11": {
    "remoteAs": 64512,
    "localAs": 64500,
    "nbrExternalLink": true,
    "localRole": "undefined",
    "remoteRole": "undefined",
    "nbrDesc": "node1",
    "bgpVersion": 4,
    "remoteRouterId": "0.0.0.0",
    "localRouterId": "198.18.165.1",
    "bgpState": "Connect",
    "bgpTimerLastRead": 1000,
    "bgpTimerLastWrite": 1786000,
    "bgpInUpdateElapsedTimeMsecs": 1786000,
    "bgpTimerConfiguredHoldTimeMsecs": 9000,
    "bgpTimerConfiguredKeepAliveIntervalMsecs": 3000,
    "bgpTimerHoldTimeMsecs": 9000,
    "bgpTimerKeepAliveIntervalMsecs": 3000,
    "extendedOptionalParametersLength": false,
    "bgpTimerConfiguredConditionalAdvertisementsSec": 60,
    "gracefulRestartInfo": {
      "endOfRibSend": {},
      "endOfRibRecv": {},
      "localGrMode": "Helper*",
      "remoteGrMode": "NotApplicable",
      "rBit": false,
      "nBit": false,
      "timers": {
        "configuredRestartTimer": 120,
        "receivedRestartTimer": 0
      }
    },
    "messageStats": {
      "depthInq": 0,
      "depthOutq": 0,
      "opensSent": 0,
      "opensRecv": 0,
      "notificationsSent": 0,
      "notificationsRecv": 0,
      "updatesSent": 0,
      "updatesRecv": 0,
      "keepalivesSent": 0,
      "keepalivesRecv": 0,
      "routeRefreshSent": 0,
      "routeRefreshRecv": 0,
      "capabilitySent": 0,
      "capabilityRecv": 0,
      "totalSent": 0,
      "totalRecv": 0
    },
    "minBtwnAdvertisementRunsTimerMsecs": 0,
    "addressFamilyInfo": {
      "ipv6Unicast": {
        "commAttriSentToNbr": "extendedAndStandard",
        "outboundPathPolicyConfig": true,
        "routeMapForOutgoingAdvertisements": "LAB-EXPORT-NONE",
        "acceptedPrefixCounter": 0
      }
    },
    "connectionsEstablished": 0,
    "connectionsDropped": 0,
    "lastResetTimerMsecs": 1000,
    "lastResetDueTo": "Waiting for peer OPEN",
    "lastResetCode": 32,
    "externalBgpNbrMaxHopsAway": 1,
    "hostLocal": "Unknown",
    "portLocal": -1,
    "hostForeign": "Unknown",
    "portForeign": -1,
    "connectRetryTimer": 1,
    "nextConnectTimerDueInMsecs": 0,
    "authenticationEnabled": 1,
    "readThread": "off",
    "writeThread": "off",
    "peerBfdInfo": {
      "type": "single hop",
      "detectMultiplier": 3,
      "rxMinInterval": 300,
      "txMinInterval": 300,
      "status": "Down",
      "lastUpdate": "0:00:00:01"
    }
  }
}`;

/** `show bgp ipv4 unicast 198.51.100.7/32 json` with both nodes announcing. */
export const FRR_ROUTE_ECMP = String.raw`{
  "prefix":"198.51.100.7/32",
  "version":2,
  "paths":[
    {
      "aspath":{
        "string":"64512",
        "segments":[
          {
            "type":"as-sequence",
            "list":[
              64512
            ]
          }
        ],
        "length":1
      },
      "origin":"IGP",
      "metric":10,
      "valid":true,
      "version":2,
      "multipath":true,
      "community":{
        "string":"64500:100 64500:200",
        "list":[
          "64500:100",
          "64500:200"
        ]
      },
      "largeCommunity":{
        "string":"64500:1:2",
        "list":[
          "64500:1:2"
        ]
      },
      "lastUpdate":{
        "epoch":1795548962,
        "string":"Tue Nov 24 19:36:02 2026\n"
      },
      "nexthops":[
        {
          "ip":"198.18.247.12",
          "hostname":"vm",
          "afi":"ipv4",
          "metric":0,
          "accessible":true,
          "used":true
        }
      ],
      "peer":{
        "peerId":"198.18.247.12",
        "routerId":"198.18.247.12",
        "hostname":"vm",
        "type":"external"
      }
    },
    {
      "aspath":{
        "string":"64512",
        "segments":[
          {
            "type":"as-sequence",
            "list":[
              64512
            ]
          }
        ],
        "length":1
      },
      "origin":"IGP",
      "metric":10,
      "valid":true,
      "version":2,
      "multipath":true,
      "bestpath":{
        "overall":true,
        "selectionReason":"Older Path"
      },
      "community":{
        "string":"64500:100 64500:200",
        "list":[
          "64500:100",
          "64500:200"
        ]
      },
      "largeCommunity":{
        "string":"64500:1:2",
        "list":[
          "64500:1:2"
        ]
      },
      "lastUpdate":{
        "epoch":1795548962,
        "string":"Tue Nov 24 19:36:02 2026\n"
      },
      "nexthops":[
        {
          "ip":"198.18.247.11",
          "hostname":"vm",
          "afi":"ipv4",
          "metric":0,
          "accessible":true,
          "used":true
        }
      ],
      "peer":{
        "peerId":"198.18.247.11",
        "routerId":"198.18.247.11",
        "hostname":"vm",
        "type":"external"
      }
    }
  ]
}
`;

/** `show bgp ipv6 unicast 2001:db8::7/128 json` with both nodes announcing. */
export const FRR_ROUTE6_ECMP = String.raw`{
  "prefix":"2001:db8::7/128",
  "version":2,
  "paths":[
    {
      "aspath":{
        "string":"64512",
        "segments":[
          {
            "type":"as-sequence",
            "list":[
              64512
            ]
          }
        ],
        "length":1
      },
      "origin":"IGP",
      "valid":true,
      "version":2,
      "multipath":true,
      "lastUpdate":{
        "epoch":1795548962,
        "string":"Tue Nov 24 19:36:02 2026\n"
      },
      "nexthops":[
        {
          "ip":"fdf7:18::12",
          "hostname":"vm",
          "afi":"ipv6",
          "scope":"global",
          "metric":0,
          "accessible":true,
          "used":true
        }
      ],
      "peer":{
        "peerId":"fdf7:18::12",
        "routerId":"198.18.247.12",
        "hostname":"vm",
        "type":"external"
      }
    },
    {
      "aspath":{
        "string":"64512",
        "segments":[
          {
            "type":"as-sequence",
            "list":[
              64512
            ]
          }
        ],
        "length":1
      },
      "origin":"IGP",
      "valid":true,
      "version":2,
      "multipath":true,
      "bestpath":{
        "overall":true,
        "selectionReason":"Older Path"
      },
      "lastUpdate":{
        "epoch":1795548962,
        "string":"Tue Nov 24 19:36:02 2026\n"
      },
      "nexthops":[
        {
          "ip":"fdf7:18::11",
          "hostname":"vm",
          "afi":"ipv6",
          "scope":"global",
          "metric":0,
          "accessible":true,
          "used":true
        }
      ],
      "peer":{
        "peerId":"fdf7:18::11",
        "routerId":"198.18.247.11",
        "hostname":"vm",
        "type":"external"
      }
    }
  ]
}
`;

/** `show bgp ipv4 unicast 198.51.100.99/32 json` for a prefix nobody announced. */
export const FRR_ROUTE_NONE = String.raw`{
}
`;

/** `birdc show protocols all` with both nodes established, one route each. */
export const BIRD_PROTOCOLS_ESTABLISHED = String.raw`BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
device1    Device     ---        up     19:35:04.110  

kernel4    Kernel     master4    up     19:35:04.110  
  Channel ipv4
    State:          UP
    Table:          master4
    Preference:     10
    Input filter:   REJECT
    Output filter:  ACCEPT
    Routes:         0 imported, 1 exported, 0 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              0          0          0          0          0
      Import withdraws:            0          0        ---          0          0
      Export updates:              2          0          0        ---          2
      Export withdraws:            0        ---        ---        ---          0

kernel6    Kernel     master6    up     19:35:04.110  
  Channel ipv6
    State:          UP
    Table:          master6
    Preference:     10
    Input filter:   REJECT
    Output filter:  ACCEPT
    Routes:         0 imported, 1 exported, 0 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              0          0          0          0          0
      Import withdraws:            0          0        ---          0          0
      Export updates:              2          0          0        ---          2
      Export withdraws:            0        ---        ---        ---          0

node1_v4   BGP        ---        up     19:35:05.086  Established   
  Description:    node1
  BGP state:          Established
    Neighbor address: 198.18.138.11
    Neighbor AS:      64512
    Local AS:         64500
    Neighbor ID:      198.18.138.11
    Local capabilities
      Multiprotocol
        AF announced: ipv4
      Route refresh
      Graceful restart
      4-octet AS numbers
      Enhanced refresh
      Long-lived graceful restart
    Neighbor capabilities
      Multiprotocol
        AF announced: ipv4
      Route refresh
      Extended next hop
        IPv6 nexthop: ipv4
      4-octet AS numbers
      Hostname: vm
    Session:          external AS4
    Source address:   198.18.138.1
    Hold timer:       71.450/90
    Keepalive timer:  28.895/30
  Channel ipv4
    State:          UP
    Table:          master4
    Preference:     100
    Input filter:   ACCEPT
    Output filter:  REJECT
    Routes:         1 imported, 0 exported, 1 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              1          0          0          0          1
      Import withdraws:            0          0        ---          0          0
      Export updates:              1          1          0        ---          0
      Export withdraws:            0        ---        ---        ---          0
    BGP Next hop:   198.18.138.1

node1_v6   BGP        ---        up     19:35:05.103  Established   
  Description:    node1
  BGP state:          Established
    Neighbor address: fd8a:18::11
    Neighbor AS:      64512
    Local AS:         64500
    Neighbor ID:      198.18.138.11
    Local capabilities
      Multiprotocol
        AF announced: ipv6
      Route refresh
      Graceful restart
      4-octet AS numbers
      Enhanced refresh
      Long-lived graceful restart
    Neighbor capabilities
      Multiprotocol
        AF announced: ipv6
      Route refresh
      4-octet AS numbers
      Hostname: vm
    Session:          external AS4
    Source address:   fd8a:18::1
    Hold timer:       79.199/90
    Keepalive timer:  26.020/30
  Channel ipv6
    State:          UP
    Table:          master6
    Preference:     100
    Input filter:   ACCEPT
    Output filter:  REJECT
    Routes:         1 imported, 0 exported, 1 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              1          0          0          0          1
      Import withdraws:            0          0        ---          0          0
      Export updates:              1          1          0        ---          0
      Export withdraws:            0        ---        ---        ---          0
    BGP Next hop:   fd8a:18::1 fe80::48:4cff:fe8a:1

node2_v4   BGP        ---        up     19:35:04.982  Established   
  Description:    node2
  BGP state:          Established
    Neighbor address: 198.18.138.12
    Neighbor AS:      64512
    Local AS:         64500
    Neighbor ID:      198.18.138.12
    Local capabilities
      Multiprotocol
        AF announced: ipv4
      Route refresh
      Graceful restart
      4-octet AS numbers
      Enhanced refresh
      Long-lived graceful restart
    Neighbor capabilities
      Multiprotocol
        AF announced: ipv4
      Route refresh
      Extended next hop
        IPv6 nexthop: ipv4
      4-octet AS numbers
      Hostname: vm
    Session:          external AS4
    Source address:   198.18.138.1
    Hold timer:       75.310/90
    Keepalive timer:  25.877/30
  Channel ipv4
    State:          UP
    Table:          master4
    Preference:     100
    Input filter:   ACCEPT
    Output filter:  REJECT
    Routes:         1 imported, 0 exported, 0 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              1          0          0          0          1
      Import withdraws:            0          0        ---          0          0
      Export updates:              1          0          1        ---          0
      Export withdraws:            0        ---        ---        ---          0
    BGP Next hop:   198.18.138.1

node2_v6   BGP        ---        up     19:35:04.974  Established   
  Description:    node2
  BGP state:          Established
    Neighbor address: fd8a:18::12
    Neighbor AS:      64512
    Local AS:         64500
    Neighbor ID:      198.18.138.12
    Local capabilities
      Multiprotocol
        AF announced: ipv6
      Route refresh
      Graceful restart
      4-octet AS numbers
      Enhanced refresh
      Long-lived graceful restart
    Neighbor capabilities
      Multiprotocol
        AF announced: ipv6
      Route refresh
      4-octet AS numbers
      Hostname: vm
    Session:          external AS4
    Source address:   fd8a:18::1
    Hold timer:       76.560/90
    Keepalive timer:  26.287/30
  Channel ipv6
    State:          UP
    Table:          master6
    Preference:     100
    Input filter:   ACCEPT
    Output filter:  REJECT
    Routes:         1 imported, 0 exported, 0 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              1          0          0          0          1
      Import withdraws:            0          0        ---          0          0
      Export updates:              1          0          1        ---          0
      Export withdraws:            0        ---        ---        ---          0
    BGP Next hop:   fd8a:18::1 fe80::48:4cff:fe8a:1

`;

/** `birdc show protocols all` before any speaker runs. */
export const BIRD_PROTOCOLS_CONNECT = String.raw`BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
device1    Device     ---        up     19:34:46.581  

kernel4    Kernel     master4    up     19:34:46.581  
  Channel ipv4
    State:          UP
    Table:          master4
    Preference:     10
    Input filter:   REJECT
    Output filter:  ACCEPT
    Routes:         0 imported, 0 exported, 0 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              0          0          0          0          0
      Import withdraws:            0          0        ---          0          0
      Export updates:              0          0          0        ---          0
      Export withdraws:            0        ---        ---        ---          0

kernel6    Kernel     master6    up     19:34:46.581  
  Channel ipv6
    State:          UP
    Table:          master6
    Preference:     10
    Input filter:   REJECT
    Output filter:  ACCEPT
    Routes:         0 imported, 0 exported, 0 preferred
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:              0          0          0          0          0
      Import withdraws:            0          0        ---          0          0
      Export updates:              0          0          0        ---          0
      Export withdraws:            0        ---        ---        ---          0

lab_bfd    BFD        ---        up     19:34:46.581  

node1_v4   BGP        ---        start  19:34:46.581  Connect       
  Description:    node1
  BGP state:          Connect
    Neighbor address: 198.18.21.11
    Neighbor AS:      64512
    Local AS:         64500
  Channel ipv4
    State:          DOWN
    Table:          master4
    Preference:     100
    Input filter:   ACCEPT
    Output filter:  REJECT

node1_v6   BGP        ---        start  19:34:46.581  Connect       
  Description:    node1
  BGP state:          Connect
    Neighbor address: fd15:18::11
    Neighbor AS:      64512
    Local AS:         64500
  Channel ipv6
    State:          DOWN
    Table:          master6
    Preference:     100
    Input filter:   ACCEPT
    Output filter:  REJECT

`;

/** `birdc show route 198.51.100.7/32 all` with both nodes announcing. */
export const BIRD_ROUTE_ECMP = String.raw`BIRD 2.0.12 ready.
Table master4:
198.51.100.7/32      unicast [node1_v4 19:35:05.215] * (100) [AS64512i]
	via 198.18.138.11 on eth0
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 64512
	BGP.next_hop: 198.18.138.11
	BGP.med: 10
	BGP.local_pref: 100
	BGP.community: (64500,100) (64500,200)
	BGP.large_community: (64500, 1, 2)
                     unicast [node2_v4 19:35:05.241] (100) [AS64512i]
	via 198.18.138.12 on eth0
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 64512
	BGP.next_hop: 198.18.138.12
	BGP.med: 10
	BGP.local_pref: 100
	BGP.community: (64500,100) (64500,200)
	BGP.large_community: (64500, 1, 2)
`;

/** `birdc show route 2001:db8::7/128 all` with both nodes announcing. */
export const BIRD_ROUTE6_ECMP = String.raw`BIRD 2.0.12 ready.
Table master6:
2001:db8::7/128      unicast [node1_v6 19:35:05.225] * (100) [AS64512i]
	via fd8a:18::11 on eth0
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 64512
	BGP.next_hop: fd8a:18::11
	BGP.local_pref: 100
                     unicast [node2_v6 19:35:05.252] (100) [AS64512i]
	via fd8a:18::12 on eth0
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 64512
	BGP.next_hop: fd8a:18::12
	BGP.local_pref: 100
`;

/** `birdc show route 198.51.100.99/32 all` (exit status 1) for a prefix nobody announced. */
export const BIRD_ROUTE_NONE = String.raw`BIRD 2.0.12 ready.
Network not found
`;

/** `ip -j -4 route show exact 198.51.100.7/32` in the router namespace, installed by zebra. */
export const KERNEL_ROUTE_FRR_ECMP = String.raw`[{"dst":"198.51.100.7","nhid":15,"protocol":"bgp","metric":20,"flags":[],"nexthops":[{"gateway":"198.18.247.11","dev":"eth0","weight":1,"flags":[]},{"gateway":"198.18.247.12","dev":"eth0","weight":1,"flags":[]}]}]
`;

/** `ip -j -6 route show exact 2001:db8::7/128`, installed by BIRD. */
export const KERNEL_ROUTE6_BIRD_ECMP = String.raw`[{"dst":"2001:db8::7","protocol":"bird","metric":32,"flags":[],"pref":"medium","nexthops":[{"gateway":"fd8a:18::11","dev":"eth0","weight":1,"flags":[]},{"gateway":"fd8a:18::12","dev":"eth0","weight":1,"flags":[]}]}]
`;

/** `ip -j -4 route show exact 198.51.100.99/32` when no route exists. */
export const KERNEL_ROUTE_NONE = String.raw`[]
`;

/** `ip -j neigh show` in the client after probing node1 (IPv4, IPv6) and an unused address. */
export const CLIENT_NEIGHBORS = String.raw`[{"dst":"198.18.247.11","dev":"eth0","lladdr":"02:48:4c:f7:00:0b","state":["REACHABLE"]},{"dst":"198.18.247.200","dev":"eth0","state":["INCOMPLETE"]},{"dst":"fdf7:18::11","dev":"eth0","lladdr":"02:48:4c:f7:00:0b","state":["REACHABLE"]}]
`;
