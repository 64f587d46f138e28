"""Tables of the tax_exemption schema."""

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("tax_exemption")
platform_tables = PlatformTables.define(metadata)
