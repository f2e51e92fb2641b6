import { mpirun } from "kernel-helpers";
async function main() {
  const transport = (process.argv[2] ?? "threads") as any;
  const blocks = Number(process.argv[3] ?? 10);
  const res = await mpirun(2, async (comm: any, blocks: number) => {
    const peer = 1 - comm.rank;
    const buf = new Float64Array(1);
    const out: number[] = [];
    for (let block = 0; block < blocks; block++) {
      const t = performance.now();
      for (let i = 0; i < 20000; i++) {
        if (comm.rank === 0) { await comm.Send(buf, peer, 1); await comm.Recv(buf, peer, 1); }
        else { await comm.Recv(buf, peer, 1); await comm.Send(buf, peer, 1); }
      }
      out.push(+(((performance.now() - t) * 1000) / 40000).toFixed(2));
    }
    return out;
  }, { transport, args: [blocks] });
  console.log(transport, JSON.stringify(res[0]));
}
void main();
