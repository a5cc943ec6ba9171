import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { z, type ZodType } from 'zod';
import type { RouteRoles } from './auth.js';

/** What an API route says of itself; the document is generated from the same zod schemas that validate. */
export type RouteDoc = {
  summary: string;
  tags?: string[];
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  response?: ZodType;
  /** Status of the success answer; 200 unless said. */
  status?: number;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDoc;
  }
}

const errorSchema = z.object({
  error: z.string(),
  fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const jsonSchema = (s: ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

function operation(doc: RouteDoc, roles: RouteRoles | undefined) {
  const parameters = [];
  for (const [where, schema] of [
    ['path', doc.params],
    ['query', doc.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {}))
      parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
  }
  const errors = { description: 'Error', content: { 'application/json': { schema: jsonSchema(errorSchema) } } };
  return {
    summary: doc.summary,
    tags: doc.tags,
    description: `Roles: ${Array.isArray(roles) ? roles.join(', ') : roles}`,
    parameters: parameters.length ? parameters : undefined,
    requestBody: doc.body ? { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } } : undefined,
    responses: {
      [doc.status ?? 200]: {
        description: 'Success',
        content: doc.response ? { 'application/json': { schema: jsonSchema(doc.response) } } : undefined,
      },
      400: errors,
      401: errors,
      403: errors,
      404: errors,
      409: errors,
    },
    security: roles === 'public' ? [] : [{ bearer: [] }, { session: [] }],
  };
}

/** Collects documented routes and serves GET /api/v1/openapi.json. */
const openapi: FastifyPluginAsync<{ version: string }> = async (app, opts) => {
  const paths: Record<string, Record<string, unknown>> = {};
  app.addHook('onRoute', (route) => {
    const doc = route.config?.openapi;
    if (!doc) return;
    const p = route.url.replace(/:(\w+)/g, '{$1}');
    for (const m of [route.method].flat()) if (m !== 'HEAD') (paths[p] ??= {})[m.toLowerCase()] = operation(doc, route.config?.roles);
  });
  app.get('/api/v1/openapi.json', { config: { roles: 'public' } }, async () => ({
    openapi: '3.1.0',
    info: { title: 'Referral Desk API', version: opts.version },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'rd_session' },
      },
    },
    paths,
  }));
};

export default fp(openapi);
