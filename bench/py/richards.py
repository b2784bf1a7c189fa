"""A Richards-style task scheduler, written for this suite.

An idle task, two workers, two handlers and two devices pass packets between
one another through a priority scheduler. Tasks hold, wait and release each
other; the work is all method calls, linked lists and small branches.
"""

N = 12

IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = range(6)
WORK_PACKET, DEVICE_PACKET = 0, 1
DATA_SIZE = 4


class Packet:
    __slots__ = ("link", "dest", "kind", "datum", "data")

    def __init__(self, link, dest, kind):
        self.link = link
        self.dest = dest
        self.kind = kind
        self.datum = 0
        self.data = [0] * DATA_SIZE

    def append_to(self, queue):
        self.link = None
        if queue is None:
            return self
        last = queue
        while last.link is not None:
            last = last.link
        last.link = self
        return queue


class Task:
    def __init__(self, sched, ident, priority, queue, state):
        self.sched = sched
        self.ident = ident
        self.priority = priority
        self.queue = queue
        self.has_packet = queue is not None
        self.waiting = False
        self.held = False
        self.next_in_list = sched.tasks
        sched.tasks = self
        sched.table[ident] = self
        self.state = state

    def runnable(self):
        return not self.held and (self.has_packet or not self.waiting)

    def higher_than(self, other):
        return self.priority > other.priority

    def take(self, packet):
        """A packet arrives; returns the task the scheduler should consider next."""
        if self.queue is None:
            self.queue = packet
            self.has_packet = True
            if self.priority > self.sched.current.priority:
                return self
        else:
            self.queue = packet.append_to(self.queue)
        return self.sched.current

    def next_packet(self):
        packet = self.queue
        if packet is None:
            return None
        self.queue = packet.link
        self.has_packet = self.queue is not None
        return packet


class Idle(Task):
    def step(self, packet):
        st = self.state
        st["count"] -= 1
        if st["count"] == 0:
            return self.sched.hold_current()
        if st["seed"] & 1 == 0:
            st["seed"] >>= 1
            return self.sched.release(DEVICE_A)
        st["seed"] = (st["seed"] >> 1) ^ 0xD008
        return self.sched.release(DEVICE_B)


class Worker(Task):
    def step(self, packet):
        if packet is None:
            return self.sched.wait_current()
        st = self.state
        st["dest"] = HANDLER_B if st["dest"] == HANDLER_A else HANDLER_A
        packet.dest = st["dest"]
        packet.datum = 0
        for i in range(DATA_SIZE):
            st["letter"] += 1
            if st["letter"] > 26:
                st["letter"] = 1
            packet.data[i] = st["letter"]
        return self.sched.send(packet)


class Handler(Task):
    def step(self, packet):
        st = self.state
        if packet is not None:
            if packet.kind == WORK_PACKET:
                st["work"] = packet.append_to(st["work"])
            else:
                st["device"] = packet.append_to(st["device"])
        work = st["work"]
        if work is not None:
            count = work.datum
            if count < DATA_SIZE:
                dev = st["device"]
                if dev is not None:
                    st["device"] = dev.link
                    dev.datum = work.data[count]
                    work.datum = count + 1
                    return self.sched.send(dev)
            else:
                st["work"] = work.link
                return self.sched.send(work)
        return self.sched.wait_current()


class Device(Task):
    def step(self, packet):
        st = self.state
        if packet is None:
            pending = st["pending"]
            if pending is None:
                return self.sched.wait_current()
            st["pending"] = None
            return self.sched.send(pending)
        st["pending"] = packet
        self.sched.log(packet.datum)
        return self.sched.hold_current()


class Scheduler:
    def __init__(self):
        self.tasks = None
        self.table = [None] * 6
        self.current = None
        self.queue_count = 0
        self.hold_count = 0
        self.trace = 0

    def log(self, value):
        self.trace = (self.trace * 13 + value) % 1_000_003

    def hold_current(self):
        self.hold_count += 1
        self.current.held = True
        return self.current.next_in_list

    def wait_current(self):
        self.current.waiting = True
        return self.current

    def release(self, ident):
        task = self.table[ident]
        task.held = False
        if task.priority > self.current.priority:
            return task
        return self.current

    def send(self, packet):
        target = self.table[packet.dest]
        self.queue_count += 1
        packet.link = None
        packet.dest = self.current.ident
        return target.take(packet)

    def schedule(self):
        task = self.tasks
        while task is not None:
            self.current = task
            if task.runnable():
                packet = None
                if task.waiting and task.has_packet:
                    task.waiting = False
                    packet = task.next_packet()
                elif task.has_packet and not task.waiting:
                    packet = task.next_packet()
                task = task.step(packet)
            else:
                task = task.next_in_list


def one_round(count):
    s = Scheduler()
    Idle(s, IDLE, 0, None, {"count": count, "seed": 1})
    wq = Packet(None, 0, WORK_PACKET)
    wq = Packet(wq, 0, WORK_PACKET)
    Worker(s, WORKER, 1000, wq, {"dest": HANDLER_A, "letter": 0})
    for ident, prio in ((HANDLER_A, 2000), (HANDLER_B, 3000)):
        dev = DEVICE_A if ident == HANDLER_A else DEVICE_B
        q = Packet(None, dev, DEVICE_PACKET)
        q = Packet(q, dev, DEVICE_PACKET)
        q = Packet(q, dev, DEVICE_PACKET)
        Handler(s, ident, prio, q, {"work": None, "device": None})
    for ident, prio in ((DEVICE_A, 4000), (DEVICE_B, 5000)):
        t = Device(s, ident, prio, None, {"pending": None})
        t.waiting = True
    s.table[IDLE].held = False
    s.schedule()
    return s.queue_count, s.hold_count, s.trace


def run(n):
    totals = [0, 0, 0]
    for _ in range(n):
        q, h, t = one_round(5000)
        totals[0] += q
        totals[1] += h
        totals[2] = (totals[2] * 7 + t) % 1_000_003
    return tuple(totals)
