import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Browser security headers on every answer (a maintained plugin, @fastify/helmet): a Content
 * Security Policy with no inline script or style anywhere (the console's pages load their modules
 * from /console/, the charts from /vendor/), no framing, nosniff, a referrer kept to our own origin
 * (the public lookup's URLs hold dossier codes), and HSTS when the request came over TLS (directly,
 * or through a proxy listed in TRUST_PROXY). The OpenAPI UI at /docs loads its scripts from files
 * too; its pages alone may use the inline styles Swagger UI injects.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    // Sent only over TLS (below): over plain HTTP it would say nothing true.
    strictTransportSecurity: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Swagger UI injects a <style> element: inline styles (never scripts) for its pages alone.
    if (request.url.startsWith('/docs')) {
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string') void reply.header('content-security-policy', csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
    }
  });
}
