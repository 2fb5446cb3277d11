import type { TurnServer } from '@shoal/turn';

/** The running TURN server's bound port, for handing out URLs. */
export class TurnService {
  constructor(readonly server: TurnServer) {}

  get port(): number {
    const { udp, tcp } = this.server.addresses;
    return udp?.port ?? tcp?.port ?? 0;
  }
}
