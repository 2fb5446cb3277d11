/** BEP 15 constants shared by the parser, the encoders and the test client. */
export const UDP_PROTOCOL_ID = 0x41727101980n;

export const udpActions = { connect: 0, announce: 1, scrape: 2, error: 3 } as const;

/** BEP 15 event numbers; 4 (`paused`) is what bittorrent-tracker's client sends for BEP 21. */
export const udpEvents = ['update', 'completed', 'started', 'stopped', 'paused'] as const;

export const UDP_ANNOUNCE_LENGTH = 98;

/** Peers per answer that keep a UDP datagram under a 1500-byte MTU. */
export const UDP_MAX_PEERS = { 4: 200, 6: 80 } as const;
