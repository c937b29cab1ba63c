import { listAll, type ManagementContext } from './context.js';
import { deleteResource, seg, sendForObject } from './crud.js';
import type { TemplateContent } from './types.js';

const BASE = '/templates/transaction/contents';

/** Every content of the `transaction` notification template (all locales and variants). */
export function listTransactionContents(ctx: ManagementContext): Promise<TemplateContent[]> {
  return listAll(ctx, 'list template contents', BASE, 'contents');
}

/**
 * Step 9: `POST /templates/transaction/contents`. The same locale + deliveryMethod + variant
 * twice answers 400 `UNIQUENESS_VIOLATION`.
 */
export function createTransactionContent(
  ctx: ManagementContext,
  body: Omit<TemplateContent, 'id'>,
): Promise<TemplateContent> {
  return sendForObject(ctx, 'create template content', 'POST', BASE, body);
}

/** `GET /templates/transaction/contents/{id}`: the whole content, read before a repair. */
export function readTransactionContent(
  ctx: ManagementContext,
  id: string,
): Promise<TemplateContent> {
  return sendForObject(ctx, 'read template content', 'GET', `${BASE}/${seg(id)}`);
}

/** `PUT /templates/transaction/contents/{id}`: replaces the content. */
export function updateTransactionContent(
  ctx: ManagementContext,
  id: string,
  body: Omit<TemplateContent, 'id'>,
): Promise<TemplateContent> {
  return sendForObject(ctx, 'update template content', 'PUT', `${BASE}/${seg(id)}`, body);
}

export function deleteTransactionContent(ctx: ManagementContext, id: string): Promise<boolean> {
  return deleteResource(ctx, 'delete template content', `${BASE}/${seg(id)}`);
}
