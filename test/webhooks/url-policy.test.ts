import { describe, expect, it } from 'vitest';
import { urlRefusal } from '../../webhooks/url-policy';

/** Where webhooks may go (SSRF), as production and development see it. */
const production = { production: true, allowedHosts: [] };
const development = { production: false, allowedHosts: [] };

describe('the webhook URL policy', () => {
  it('in production takes https to public addresses only, unless an admin allow-listed the host', async () => {
    expect(await urlRefusal('http://93.184.216.34/hooks', production)).toMatch(/only https/);
    for (const url of ['https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.1.10/x', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/x', 'https://[fd00::1]/x', 'https://100.64.0.1/x', 'https://localhost/x']) {
      expect(await urlRefusal(url, production), url).toMatch(/internal address/);
    }
    expect(await urlRefusal('https://93.184.216.34/hooks', production)).toBeUndefined();
    expect(await urlRefusal('https://10.1.2.3/x', { production: true, allowedHosts: ['10.1.2.3'] })).toBeUndefined();
    expect(await urlRefusal('https://no-such-host.invalid/x', production)).toMatch(/does not resolve/);
    expect(await urlRefusal('https://user:pass@93.184.216.34/x', production)).toMatch(/credentials/);
  });

  it('outside production also takes http and loopback receivers, never other internal addresses', async () => {
    expect(await urlRefusal('http://127.0.0.1:8080/hooks', development)).toBeUndefined();
    expect(await urlRefusal('http://[::1]:8080/hooks', development)).toBeUndefined();
    expect(await urlRefusal('http://10.0.0.5/hooks', development)).toMatch(/internal address/);
    expect(await urlRefusal('ftp://127.0.0.1/x', development)).toMatch(/http or https/);
    expect(await urlRefusal('nonsense', development)).toMatch(/absolute URL/);
  });
});
