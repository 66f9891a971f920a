/** A store URL with its password replaced (`clickhouse://user:***@host/db`), for logs and messages. */
export const redactStoreUrl = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
