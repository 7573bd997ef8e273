// Settings most scenarios share. ping 1s × (max 2 + 1) = 3 s: the patched server closes a gateway
// stuck in handshake after 3 s, well inside the 10 s recovery bound. The gateway authorization
// timeout is longer than any run, standing in for the remote's lost close (DESIGN, way (a)).
export const threeByThree = {
  regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }, { name: 'syd', servers: 3 }],
  ping: { interval: '1s', max: 2 },
  gatewayAuthTimeoutSec: 600,
};
