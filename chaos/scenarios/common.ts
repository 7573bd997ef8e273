// Settings most scenarios share. ping 1s × (max 2 + 1) = 3 s: the patched server closes a gateway
// stuck in handshake after 3 s, well inside the 10 s recovery bound. The gateway authorization
// timeout is longer than any run, standing in for the remote's lost close under the local backend's
// Toxiproxy model of loss (docs/ARCHITECTURE.md, facts: the stuck gateway, way (a)). The docker backend does not render it: there the close
// is really lost (iptables drops it, chaos/faults/packet-loss.ts), so servers keep the default.
export const threeByThree = {
  regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }, { name: 'syd', servers: 3 }],
  ping: { interval: '1s', max: 2 },
  gatewayAuthTimeoutSec: 600,
};
