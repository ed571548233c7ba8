import type { Reply } from './coder-http.js';

/**
 * What a workspace proxy (`coder wsproxy server`) answers for any path it does not route: the site's
 * static error page, status 400, pointing at the dashboard. Proxies carry terminals and apps only;
 * the REST API lives on the control plane.
 */
export function proxyNotFoundPage(dashboardUrl: string): Reply {
  const description =
    'Workspace Proxies route traffic in terminals and apps directly to your workspace. ' +
    'This page must be loaded from the dashboard. Click to be redirected!';
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Head to the Dashboard</title></head>',
    `<body><h1>Head to the Dashboard</h1><p>${description}</p>`,
    `<a href="${dashboardUrl}">Back to site</a></body></html>`,
  ].join('\n');
  return { status: 400, contentType: 'text/html; charset=utf-8', body };
}
