import { Body, Controller, Inject, Param, Query } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type {
  BlockedInfoHash,
  BlockInfoHashRequest,
  Blocklist as BlocklistView,
  SwarmList,
  SwarmStatsView,
} from '@shoal/protocol';
import type { SwarmStats } from '@shoal/tracker';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../errors/domain-error.js';
import { CurrentPrincipal } from '../http/current-principal.decorator.js';
import { Route } from '../http/route.decorator.js';
import { Blocklist } from './blocklist.js';
import { TrackerService } from './tracker.service.js';

function view(s: SwarmStats): SwarmStatsView {
  return { ...s, lastAnnounceAt: new Date(s.lastAnnounceAt).toISOString() };
}

/** Swarm statistics and moderation, for administrators. */
@Controller()
export class TrackerAdminController {
  constructor(
    @Inject(TrackerService) private readonly service: TrackerService,
    @Inject(Blocklist) private readonly blocklist: Blocklist,
  ) {}

  @Route(api.admin.swarms)
  async swarms(@Query() query: { offset: number; limit: number }): Promise<SwarmList> {
    const tracker = this.service.tracker!;
    const [listing, totals] = await Promise.all([tracker.listSwarms(query), tracker.totals()]);
    return { swarms: listing.swarms.map(view), total: listing.total, totals };
  }

  @Route(api.admin.swarm)
  async swarm(@Param('infoHash') infoHash: string): Promise<SwarmStatsView> {
    const stats = await this.service.tracker!.getSwarm(infoHash);
    if (!stats) throw new DomainError('SWARM_NOT_FOUND', `no swarm ${infoHash}`);
    return view(stats);
  }

  @Route(api.admin.removeSwarm)
  async removeSwarm(@Param('infoHash') infoHash: string): Promise<void> {
    if (!(await this.service.tracker!.removeSwarm(infoHash))) {
      throw new DomainError('SWARM_NOT_FOUND', `no swarm ${infoHash}`);
    }
  }

  @Route(api.admin.blocklist)
  async list(): Promise<BlocklistView> {
    return { entries: await this.blocklist.list() };
  }

  @Route(api.admin.block)
  async block(@CurrentPrincipal() principal: Principal, @Body() body: BlockInfoHashRequest): Promise<BlockedInfoHash> {
    const entry = await this.blocklist.add(body.infoHash, body.reason, principal.userId);
    await this.service.tracker!.removeSwarm(body.infoHash);
    return entry;
  }

  @Route(api.admin.unblock)
  async unblock(@Param('infoHash') infoHash: string): Promise<void> {
    if (!(await this.blocklist.remove(infoHash))) {
      throw new DomainError('SWARM_NOT_FOUND', `${infoHash} is not blocked`);
    }
  }
}
