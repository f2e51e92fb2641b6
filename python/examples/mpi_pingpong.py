"""06: a ping-pong of an 8-byte buffer between 2 ranks (Send/Recv) and an Allreduce of 2**20 float64.

Run it under mpiexec with 2 ranks: mpiexec -n 2 python mpi_pingpong.py --time-scale 0.1
"""
from _common import emit, parser, require


def main():
    p = parser(__doc__)
    p.add_argument("--round-trips", type=int, default=20_000, help="ping-pong round trips at TIME_SCALE 1")
    p.add_argument("--allreduces", type=int, default=50, help="Allreduce calls at TIME_SCALE 1")
    args = p.parse_args()
    np, mpi4py = require("numpy", "mpi4py")
    from mpi4py import MPI
    import time

    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    if size != 2:
        raise SystemExit(f"mpi_pingpong.py needs 2 ranks, got {size}: mpiexec -n 2 python mpi_pingpong.py")
    peer = 1 - rank
    round_trips = max(100, round(args.round_trips * args.time_scale))
    allreduces = max(5, round(args.allreduces * args.time_scale))

    def pingpong(buf, n):
        for _ in range(n):
            if rank == 0:
                comm.Send(buf, peer, 1)
                comm.Recv(buf, peer, 1)
            else:
                comm.Recv(buf, peer, 1)
                comm.Send(buf, peer, 1)

    small = np.zeros(1)
    pingpong(small, round_trips // 4)  # warm-up
    comm.Barrier()
    t = time.perf_counter()
    pingpong(small, round_trips)
    per_round_trip = (time.perf_counter() - t) / round_trips
    src = np.full(1 << 20, rank + 1.0)
    dst = np.zeros(1 << 20)
    comm.Allreduce(src, dst)
    comm.Barrier()
    t = time.perf_counter()
    for _ in range(allreduces):
        comm.Allreduce(src, dst)
    per_allreduce = (time.perf_counter() - t) / allreduces
    assert dst[0] == 3.0
    if rank == 0:
        library = MPI.Get_library_version().splitlines()[0].split(",")[0].strip()
        emit("mpi_pingpong", [
            {"label": "ping-pong round trip, 8 B", "seconds": per_round_trip},
            {"label": "Allreduce, 2^20 float64 (8 MB)", "seconds": per_allreduce},
        ], packages=("numpy", "mpi4py"), mpi_library=library, round_trips=round_trips, allreduces=allreduces)


if __name__ == "__main__":
    main()
