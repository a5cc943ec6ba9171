import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.js';

// Placeholder: being built (issue 3).
const routes: FastifyPluginAsync<{ services: Services }> = async () => {};
export default routes;
