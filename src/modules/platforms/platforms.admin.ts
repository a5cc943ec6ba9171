import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.js';

// Placeholder: platform directory admin pages (issue 3, point 9).
const routes: FastifyPluginAsync<{ services: Services }> = async () => {};
export default routes;
