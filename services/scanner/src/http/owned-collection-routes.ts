/**
 * The five routes of an owner's collection (watchlists, strategies, destinations), the same for
 * each: list a page and create on `<path>`, read, change and delete on `<path>/:id`. Every route
 * acts for the owner named by the request and reads its body through the collection's strict
 * schemas; what differs per collection is passed in.
 */
import type { Router } from 'express';
import type { z } from 'zod';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import type { CatalogStore, Page, PageOf } from '../store';
import { PAGE_PARAMS, pathId, readBody, readPage, requireOwner } from './request-input';

export interface OwnedCollection<Item, Input, Patch> {
  /** `/v1/watchlists`. */
  path: string;
  /** One item, in messages (`no watchlist <id>`). */
  kind: string;
  /** The key of a page's items in the answer (`watchlists`). */
  listKey: string;
  input: z.ZodType<Input>;
  patch: z.ZodType<Patch>;
  list(ownerId: string, page: Page): Promise<PageOf<Item>>;
  create(ownerId: string, input: Input): Promise<Item>;
  read(ownerId: string, id: string): Promise<Item>;
  update(ownerId: string, id: string, patch: Patch): Promise<Item>;
  remove(ownerId: string, id: string): Promise<void>;
  /** What clients are shown of items (all of an answer's at once); the items themselves by default. */
  view?(items: readonly Item[]): Promise<unknown[]>;
}

export function ownedCollectionRoutes<Item, Input, Patch>(
  router: Router,
  catalog: CatalogStore,
  cors: CorsPolicy,
  collection: OwnedCollection<Item, Input, Patch>,
): void {
  const views = (items: readonly Item[]) =>
    collection.view ? collection.view(items) : Promise.resolve(items as unknown[]);
  const view = async (item: Item) => (await views([item]))[0];
  resourceRoute(router, collection.path, {
    cors,
    methods: {
      GET: {
        params: PAGE_PARAMS,
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const page = await collection.list(owner.id, readPage(req.query));
          res.json({ [collection.listKey]: await views(page.items), total: page.total });
        },
      },
      POST: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const input = await readBody(req, collection.input);
          res.status(201).json(await view(await collection.create(owner.id, input)));
        },
      },
    },
  });
  resourceRoute(router, `${collection.path}/:id`, {
    cors,
    methods: {
      GET: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          res.json(await view(await collection.read(owner.id, pathId(req, collection.kind))));
        },
      },
      PATCH: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const id = pathId(req, collection.kind);
          const patch = await readBody(req, collection.patch);
          res.json(await view(await collection.update(owner.id, id, patch)));
        },
      },
      DELETE: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          await collection.remove(owner.id, pathId(req, collection.kind));
          res.status(204).end();
        },
      },
    },
  });
}
