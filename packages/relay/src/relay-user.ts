// The signed-in messenger user, in a module of its own: the context caches it and the HTTP layer puts it on
// requests, and neither may import the other (the context is what the HTTP routes receive).
export interface RelayUser {
  accountId: string;
  username: string;
}
