"""The simulator's Modbus TCP face: the same :class:`MachineModel` behind a pymodbus server.

Runs in the simulator's event loop beside the OPC UA server and is published
on the same tick (:meth:`ModbusFace.publish`), so both faces always show the
same snapshot. Unit id 1. Addresses are the zero-based protocol offsets, written
the way a station file writes them (``hr|ir|co|di:OFFSET``, see
:mod:`hmi.devices.modbus`); 32-bit values are big-endian word order (high word
first, Modbus "ABCD") — the driver's default ``be``.

Register map (:data:`REGISTER_MAP`)::

    ir:0    state            int16    1 running .. 7 stopped
    ir:1    fault_code       int16    0 = none
    ir:2    good_count       uint32   wraps at 2**32
    ir:4    scrap_count      uint32
    ir:6    cycle_time       float32  s, last cycle
    ir:8    temperature      float32  degC
    ir:10   pressure         float32  bar
    ir:12   speed            float32  parts/min
    ir:14   sim_seconds      uint32   whole simulated seconds since start (heartbeat)
    ir:16   press_force      float32  kN, measured
    hr:0    temperature_setpoint float32 degC, read-write -> MachineModel.set_setpoint
    hr:2    press_force_sp   float32  kN, read-write, clamped to the machine maximum
    hr:4    hold_time_sp     float32  s, read-write
    hr:6    stroke_sp        float32  mm, read-write
    co:0    run              bool     read-write: 1 = start (reset and start), 0 = stop
    co:1    double_stroke_sp bool     read-write
    di:0    running          bool     state == running
    di:1    faulted          bool     state == faulted

Anything else is an illegal address (the device answers with exception 2), so
a station file with a wrong offset is refused at connect time by the driver.

Design
------
* The datastore is pymodbus 3.16's ``SimDevice``/``SimData`` (the old
  ``ModbusSequentialDataBlock``/``ModbusServerContext`` datastore is deprecated in
  3.16). Four separate tables, coils and discrete inputs addressed per bit.
* **Client writes take effect at once**: the device's ``action`` hook sees every
  write before it is stored. A write to a float32 setpoint must cover both its
  registers (else exception 2, ILLEGAL_ADDRESS) and be finite (else exception
  3, ILLEGAL_VALUE); it is applied with ``model.set_setpoint`` or
  ``model.set_recipe_setpoint``. A write to the run coil calls
  ``model.start()``/``model.stop()``, one to the double-stroke coil sets it.
  The written registers are stored as written, so the driver's read-back
  matches — except where the PLC clamps (the press force above the machine
  maximum): then the hook replaces the registers being stored with the clamped
  value (pymodbus stores the very list the hook is given), and a client reading
  back sees what the machine really keeps.
* **Publishing** writes the input registers and discrete inputs every tick.
  The writable items (setpoint, run coil) are written only when the model's
  value changed since the last publish, so a client's write that lands between
  a snapshot and its publish is never overwritten with the older value.
  Internal writes go through ``server.async_setValues`` with the action hook
  switched off for them (``_publishing``).
"""

from __future__ import annotations

import logging
import math
import struct
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from hmi.devices.modbus import encode_value
from hmi.devices.sim.model import MachineModel, MachineSnapshot, MachineState

__all__ = ["DEVICE_ID", "REGISTER_MAP", "ModbusFace"]

logger = logging.getLogger(__name__)

DEVICE_ID = 1

#: logical name -> (station-file address, datatype, access)
REGISTER_MAP: dict[str, tuple[str, str, str]] = {
    "state": ("ir:0", "int16", "r"),
    "fault_code": ("ir:1", "int16", "r"),
    "good_count": ("ir:2", "uint32", "r"),
    "scrap_count": ("ir:4", "uint32", "r"),
    "cycle_time": ("ir:6", "float32", "r"),
    "temperature": ("ir:8", "float32", "r"),
    "pressure": ("ir:10", "float32", "r"),
    "speed": ("ir:12", "float32", "r"),
    "sim_seconds": ("ir:14", "uint32", "r"),
    "press_force": ("ir:16", "float32", "r"),
    "temperature_setpoint": ("hr:0", "float32", "rw"),
    "press_force_sp": ("hr:2", "float32", "rw"),
    "hold_time_sp": ("hr:4", "float32", "rw"),
    "stroke_sp": ("hr:6", "float32", "rw"),
    "run": ("co:0", "bool", "rw"),
    "double_stroke_sp": ("co:1", "bool", "rw"),
    "running": ("di:0", "bool", "r"),
    "faulted": ("di:1", "bool", "r"),
}

_IR_COUNT = 18
_HR_SETPOINT = 0
#: holding-register offset -> float32 setpoint ("temperature" or a recipe setpoint)
_HR_FLOATS: dict[int, str] = {0: "temperature", 2: "press_force", 4: "hold_time", 6: "stroke"}
_HR_COUNT = 8
_CO_RUN = 0
_CO_DOUBLE_STROKE = 1
# function codes for the datastore (pymodbus maps them to the four tables)
_FC_CO, _FC_DI, _FC_HR, _FC_IR = 15, 2, 16, 4
_FC_WRITE_COILS = frozenset({5, 15})
_FC_WRITE_REGISTERS = frozenset({6, 16, 23})


def input_registers(snap: MachineSnapshot) -> list[int]:
    """The input-register table (``ir:0`` ..) for one snapshot."""
    regs: list[int] = []
    regs += encode_value("int16", int(snap.state))
    regs += encode_value("int16", snap.fault_code)
    regs += encode_value("uint32", snap.good_count)
    regs += encode_value("uint32", snap.scrap_count)
    for value in (snap.cycle_time, snap.temperature, snap.pressure, snap.speed):
        regs += encode_value("float32", value)
    regs += encode_value("uint32", int(snap.sim_time) % 2**32)
    regs += encode_value("float32", snap.press_force)
    assert len(regs) == _IR_COUNT
    return regs


class ModbusFace:
    """A pymodbus TCP server showing ``model``. ``await start()``, ``await publish(snap)``, ``await stop()``."""

    def __init__(self, model: MachineModel, *, host: str = "127.0.0.1", port: int = 5020) -> None:
        self.model = model
        self.host = host
        self.port = port
        self._server: ModbusTcpServer | None = None
        self._publishing = False
        # model values last written to the writable items
        self._floats: dict[int, float] = {}
        self._run: bool | None = None
        self._double_stroke: bool | None = None

    @property
    def url(self) -> str:
        return f"modbus+tcp://{self.host}:{self.port}"

    def _device(self) -> SimDevice:
        bits = 16  # one register's worth of coils / discrete inputs
        return SimDevice(
            DEVICE_ID,
            simdata=(
                [SimData(0, count=bits, values=False, datatype=DataType.BITS)],
                [SimData(0, count=bits, values=False, datatype=DataType.BITS)],
                [SimData(_HR_SETPOINT, count=_HR_COUNT, values=0, datatype=DataType.REGISTERS)],
                [SimData(0, count=_IR_COUNT, values=0, datatype=DataType.REGISTERS)],
            ),
            action=self._action,
        )

    async def start(self, snap: MachineSnapshot) -> str:
        """Fill the tables from ``snap``, listen, and return the ``modbus+tcp://`` URL."""
        self._server = ModbusTcpServer(self._device(), address=(self.host, self.port))
        await self.publish(snap)
        await self._server.serve_forever(background=True)
        if self.port == 0:
            transport: Any = self._server.transport
            self.port = transport.sockets[0].getsockname()[1]
        logger.info("simulator Modbus TCP face at %s (unit %d)", self.url, DEVICE_ID)
        return self.url

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()

    async def publish(self, snap: MachineSnapshot) -> None:
        server = self._server
        if server is None:
            return
        self._publishing = True
        try:
            await server.async_setValues(DEVICE_ID, _FC_IR, 0, input_registers(snap))
            await server.async_setValues(
                DEVICE_ID,
                _FC_DI,
                0,
                [snap.state is MachineState.RUNNING, snap.state is MachineState.FAULTED],
            )
            for offset, name in _HR_FLOATS.items():
                value = _hr_value(snap, name)
                if value != self._floats.get(offset):
                    await server.async_setValues(
                        DEVICE_ID, _FC_HR, offset, encode_value("float32", value)
                    )
                    self._floats[offset] = value
            run = snap.state is not MachineState.STOPPED
            if run != self._run:
                await server.async_setValues(DEVICE_ID, _FC_CO, _CO_RUN, [run])
                self._run = run
            if snap.double_stroke_sp != self._double_stroke:
                await server.async_setValues(
                    DEVICE_ID, _FC_CO, _CO_DOUBLE_STROKE, [snap.double_stroke_sp]
                )
                self._double_stroke = snap.double_stroke_sp
        finally:
            self._publishing = False

    async def _action(
        self,
        function_code: int,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        set_values: list[int] | list[bool] | None,
    ) -> ExcCodes | None:
        """Device hook, called before every access is carried out; applies client writes."""
        if set_values is None or self._publishing:
            return None
        if function_code in _FC_WRITE_COILS:
            n = len(set_values)
            if address <= _CO_RUN < address + n:
                run = bool(set_values[_CO_RUN - address])
                logger.info("Modbus client set run = %s", run)
                if run:
                    self.model.start()
                else:
                    self.model.stop()
            if address <= _CO_DOUBLE_STROKE < address + n:
                on = bool(set_values[_CO_DOUBLE_STROKE - address])
                logger.info("Modbus client set double stroke = %s", on)
                self.model.set_recipe_setpoint("double_stroke", on)
            return None
        if function_code in _FC_WRITE_REGISTERS:
            lo, hi = address, address + len(set_values)
            touched = [off for off in _HR_FLOATS if lo < off + 2 and off < hi]
            if any(not (lo <= off and off + 2 <= hi) for off in touched):
                logger.warning("Modbus write refused: half of a float32 setpoint")
                return ExcCodes.ILLEGAL_ADDRESS
            decoded: dict[int, float] = {}
            for off in touched:
                i = off - lo
                raw = struct.pack(">HH", int(set_values[i]), int(set_values[i + 1]))
                (value,) = struct.unpack(">f", raw)
                if not math.isfinite(value):
                    logger.warning("Modbus write refused: %s = %r", _HR_FLOATS[off], value)
                    return ExcCodes.ILLEGAL_VALUE
                decoded[off] = value
            for off, value in decoded.items():  # all checked: now apply
                name = _HR_FLOATS[off]
                logger.info("Modbus client set %s to %s", name, value)
                if name == "temperature":
                    self.model.set_setpoint(value)
                    continue
                stored = self.model.set_recipe_setpoint(name, value)
                if stored != value:  # the PLC clamps: store what it keeps
                    i = off - lo
                    set_values[i : i + 2] = encode_value("float32", float(stored))  # type: ignore[index]
        return None


def _hr_value(snap: MachineSnapshot, name: str) -> float:
    return snap.setpoint if name == "temperature" else float(getattr(snap, f"{name}_sp"))
