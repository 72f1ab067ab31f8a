// The package ships no types: the slot (0–16383) that Redis Cluster gives a key or shard channel
declare module 'cluster-key-slot' {
  export default function calculateSlot(key: string | Buffer): number
}
