import type { App } from '@slack/bolt';
import { homeView } from '../blocks/index.js';
import type { ListenerContext } from './shared.js';

/** App Home: the user's own requests, and for approvers the queue waiting on them. */
export function registerHome(app: App, ctx: ListenerContext): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const [mine, waitingOnMe] = await Promise.all([
      ctx.useCases.listMine(event.user),
      ctx.useCases.waitingOn(event.user),
    ]);
    await client.views.publish({
      user_id: event.user,
      view: homeView({ userId: event.user, mine, waitingOnMe }),
    });
  });
}
